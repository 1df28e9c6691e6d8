-- common.lua: prepended to every script by scripts.ts (EVALSHA has no include).
-- Keys: each script's header lists the KEYS it is passed, by index and name (src/store/keys.ts builds
-- them, src/store/script-calls/ passes them; test/store/script-keys.test.ts keeps the two in step). A
-- script that writes events is passed the events stream as KEYS[1]. The keys no caller can know before
-- the script runs (a job's record or hash, found by an id read inside the script; the lanes of a job's carrier; a
-- day's receipt map) are built here from the key prefix, ARGV[1] in every script that builds one, with
-- the names keys.ts gives them.
local P = ARGV[1]
local function k_job(id) return P .. 'job:' .. id end
-- A job's record, the short form of its state (job_get below): one string where a hash would be written.
local function k_rec(id) return P .. 'jr:' .. id end
-- The ready-to-write PDU bodies of a job, one opaque string: untagged (the body itself when the job has one
-- part, else each part behind its length, 2 octets, big-endian) or tagged by channel. Node packs and reads
-- it (src/store/bodies.ts); no script looks inside.
local function k_body(id) return P .. 'body:' .. id end
local function k_lane(c, cls) return P .. '{' .. c .. '}:lane:' .. cls end
local function k_sched(c) return P .. '{' .. c .. '}:sched' end
local function k_dlr(c, day) return P .. '{' .. c .. '}:dlr:' .. day end
-- The days that have a receipt-map bucket, each with the HSCAN cursor dlr-sweep.lua has reached in it.
local function k_dlr_days(c) return P .. '{' .. c .. '}:dlr:days' end
local function k_early(c) return P .. '{' .. c .. '}:early' end
local function k_early_at(c) return P .. '{' .. c .. '}:early:at' end
local function k_inflight(d) return P .. 'inflight:' .. d end
local function k_lease(d) return P .. 'lease:' .. d end

local FINAL = { delivered = true, undeliverable = true, expired = true, rejected = true, failed = true, unknown = true,
  unconfirmed = true }
local FINAL_STAT = { DELIVRD = true, UNDELIV = true, EXPIRED = true, REJECTD = true, DELETED = true, UNKNOWN = true, FAILED = true }

-- A job is kept in one of two forms. The common job (one part, sent at once, no meta, resend, quiet hours or
-- cap) is a record: one string at jr:<id>, its fields joined by '|' in REC_NAMES order, '' for absent, its
-- part count 1. Any other job is a hash at job:<id>. One SET writes a record where a hash took an HSET of
-- eight fields, and a settle or a receipt rewrites it with its expiry in one SET (docs/ARCHITECTURE.md,
-- "Redis layout"). A record that must hold what it has no field for (attempts, another part's state, a
-- value with a '|') becomes a hash first (rec_promote). A script reads and writes a job through job_get and
-- job_write, which take either form; only the hot paths (ingest, claim, settle, a receipt) read and write a
-- record themselves, with the patterns below. `ids` comes last: a message id may hold a '|'.
-- src/store/job-record.ts reads the same layout (test/store/job-record.test.ts keeps the two in step).
local REC_NAMES = { 'st', 'eid', 'to', 'car', 'cls', 'exp', 'sub', 'end', 'p1', 'ids' }
local REC_AT = {}
for k, f in ipairs(REC_NAMES) do REC_AT[f] = k end
local REC_LAST = #REC_NAMES
local REC_PATTERN = '^' .. string.rep('([^|]*)|', REC_LAST - 1) .. '(.*)$'
-- The records read or written in this call, by id (false: the job is a hash, or has no key).
local recs = {}
local function rec_of(id)
  local r = recs[id]
  if r == nil then
    local v = redis.call('GET', k_rec(id))
    r = v and { string.match(v, REC_PATTERN) } or false
    if r and #r ~= REC_LAST then r = false end
    recs[id] = r
  end
  return r
end
-- A record becomes a hash with the same fields (its part count 1) and expiry. A hash already under the id is
-- a leftover (the record is the job): it goes, so none of its fields (attempts, resend) joins the job's.
local function rec_promote(id, r)
  local rk, jk = k_rec(id), k_job(id)
  local ttl = redis.call('PTTL', rk)
  local fields = { 'n', '1' }
  for k = 1, REC_LAST do
    if r[k] ~= '' then fields[#fields + 1] = REC_NAMES[k]; fields[#fields + 1] = r[k] end
  end
  redis.call('DEL', rk, jk)
  redis.call('HSET', jk, unpack(fields))
  if ttl > 0 then redis.call('PEXPIRE', jk, ttl) end
  recs[id] = false
end
-- A new queued job as a record, its text made in one concatenation (REC_NAMES order): the hot path.
local function rec_create(id, eid, to, car, cls, exp_text)
  redis.call('SET', k_rec(id), 'queued|' .. eid .. '|' .. to .. '|' .. car .. '|' .. cls .. '|' .. exp_text .. '||||')
  recs[id] = nil
end
-- The fields the hot paths read and keep, without making a table of all ten: claim's st, the five fixed
-- fields after it whole (eid to car cls exp: handed to the daemon, which hands them back to settle) and exp
-- inside them; settle's five fixed fields, end and p1 (when the daemon had no fixed fields to hand back).
local REC_CLAIM = '^([^|]*)|([^|]*|[^|]*|[^|]*|[^|]*|([^|]*))|'
local REC_SETTLE = '^[^|]*|([^|]*|[^|]*|[^|]*|[^|]*|[^|]*)|[^|]*|([^|]*)|([^|]*)|'
-- A receipt's: st; the five after it whole, with car and cls inside; sub, p1 and ids.
local REC_RECEIPT = '^([^|]*)|([^|]*|[^|]*|([^|]*)|([^|]*)|[^|]*)|([^|]*)|[^|]*|([^|]*)|(.*)$'
-- Whether a record can take these fields and values as they are.
local function rec_fits(...)
  for k = 1, select('#', ...), 2 do
    local at = REC_AT[select(k, ...)]
    if not at or (at < REC_LAST and string.find(select(k + 1, ...), '|', 1, true)) then return false end
  end
  return true
end
-- A record's field as HMGET answers it: false when absent.
local function nz(v) return v ~= '' and v end
-- The job's fields by name, as HMGET answers (false for absent), from either form. An empty value is absent
-- in both: a record cannot tell the two apart, so a hash's '' (an empty receipt stat, a cap given back) reads so too.
local function job_get(id, ...)
  local r = rec_of(id)
  if not r then
    local v = redis.call('HMGET', k_job(id), ...)
    for k = 1, #v do v[k] = nz(v[k]) end
    return v
  end
  local out = {}
  for k = 1, select('#', ...) do
    local f = select(k, ...)
    if f == 'n' then
      out[k] = '1'
    else
      local at = REC_AT[f]
      out[k] = at and nz(r[at]) or false
    end
  end
  return out
end
-- Set fields (name, value, ...; values as text) in either form; `px` (ms, as text) also sets its expiry,
-- in the same SET for a record. A record that cannot hold them becomes a hash first.
local function job_write(id, px, ...)
  local r = rec_of(id)
  if r and not rec_fits(...) then rec_promote(id, r); r = false end
  if not r then
    redis.call('HSET', k_job(id), ...)
    if px then redis.call('PEXPIRE', k_job(id), px) end
    return
  end
  for k = 1, select('#', ...), 2 do r[REC_AT[select(k, ...)]] = select(k + 1, ...) end
  if px then
    redis.call('SET', k_rec(id), table.concat(r, '|'), 'PX', px)
  else
    redis.call('SET', k_rec(id), table.concat(r, '|'), 'KEEPTTL')
  end
end
local function job_set(id, ...) return job_write(id, nil, ...) end
-- HINCRBY on the job's hash (a record becomes one first).
local function job_incr(id, field)
  local r = rec_of(id)
  if r then rec_promote(id, r) end
  return redis.call('HINCRBY', k_job(id), field, 1)
end

-- fn(...) with the items of list, 1,000 at a time: unpack() is bounded by Lua's C stack.
local function in_slices(list, fn)
  for s = 1, #list, 1000 do fn(unpack(list, s, math.min(#list, s + 999))) end
end

-- One event per state change. The stream is capped once per script call (trim_events, the last step of
-- every script that emits), not by MAXLEN ~ on each XADD: that clause cost about 0.45 µs per event even
-- with the stream under its cap (EVAL loops on Redis 7.0; docs/BENCHMARKS-HISTORY.md, "Seventh round").
-- `~` lets the stream run over its cap by up to a node anyway; one call's events more changes nothing.
local events_maxlen = nil
-- queue.events 'finals': only final states write an event (script-calls/settings.ts eventsArg). The scripts that emit
-- take it with the stream's cap in one argument, `<cap>` or `<cap> finals`, read by events_cap.
-- An event costs Redis about 4 µs (docs/BENCHMARKS-HISTORY.md, "Eleventh round").
local FINALS_ONLY = false
local function events_cap(arg)
  local cap, mode = string.match(arg, '^(%d+) ?(%a*)$')
  FINALS_ONLY = mode == 'finals'
  return cap
end
local function emit_json(text, maxlen)
  events_maxlen = maxlen
  redis.call('XADD', KEYS[1], '*', 'event', text)
end
-- `ev.meta` is the job's meta as the JSON text the app wrote (src/work/job-meta.ts), put in as it is: no
-- script decodes an app's JSON. cjson fails on nesting over 1000 levels, and a script that fails partway
-- keeps what it wrote before; a decode and encode also turns `[]` into `{}` and rounds long numbers.
local function emit(ev, maxlen)
  if FINALS_ONLY and not FINAL[ev.state] then return end
  local meta = ev.meta
  if not meta then return emit_json(cjson.encode(ev), maxlen) end
  ev.meta = nil
  local text = cjson.encode(ev)
  emit_json(string.sub(text, 1, -2) .. ',"meta":' .. meta .. '}', maxlen)
end
local function trim_events()
  if events_maxlen then redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', events_maxlen) end
end

-- The hottest events are written as text: a Lua table plus cjson.encode cost about 2.5 µs more per event
-- (measured with EVAL loops on this project's Redis 7.0). A string needs escaping only with a control
-- character, a quote or a backslash; then cjson does it.
local function json_str(s)
  if string.find(s, '[%c"\\]') then return cjson.encode(s) end
  return '"' .. s .. '"'
end
-- json_str of the few values that repeat in every event (carrier names, receipt stats), remembered
-- for the call; and the event time's text, made once per call.
local json_known = {}
local function json_str_known(s)
  local v = json_known[s]
  if not v then v = json_str(s); json_known[s] = v end
  return v
end
local at_ms, at_text = nil, nil
local function ms_text(ms)
  if ms ~= at_ms then at_ms = ms; at_text = string.format('%d', ms) end
  return at_text
end
local function json_strings(list)
  if #list == 0 then return '[]' end
  if #list == 1 then return '[' .. json_str(list[1]) .. ']' end
  local parts = {}
  for k = 1, #list do parts[k] = json_str(list[k]) end
  return '[' .. table.concat(parts, ',') .. ']'
end
-- The opening of an event from the job's HMGET car, n, meta: the stored meta text is valid JSON (Node wrote it).
-- One concatenation of all the pieces: Lua 5.1 interns every string it makes, so adding piece by piece
-- to a growing string copied and hashed each step.
local function event_head(id, state, now, f)
  local car = f[1] and (',"carrier":' .. json_str_known(f[1])) or ''
  -- `n` as stored: the digits ingest wrote (a number made text again would cost a sprintf).
  local parts = f[2] and (',"parts":' .. f[2]) or ''
  local meta = (f[3] and f[3] ~= '') and (',"meta":' .. f[3]) or ''
  return '{"id":' .. json_str(id) .. ',"state":"' .. state .. '","at":' .. ms_text(now) .. car .. parts .. meta
end

-- Event skeleton from a job (record or hash); meta is stored as JSON text and stays text here (emit puts it in).
-- `f` may be passed in: the job's HMGET car, n, meta already made by the caller.
local function job_event(id, state, now, f)
  f = f or job_get(id, 'car', 'n', 'meta')
  local ev = { id = id, state = state, at = tonumber(now) }
  if f[1] then ev.carrier = f[1] end
  if f[2] then ev.parts = tonumber(f[2]) end
  if f[3] and f[3] ~= '' then ev.meta = f[3] end
  return ev
end

-- Final outcomes this call decided, by carrier, class and state, handed back as the last element of the
-- reply (finals_reply) so the daemon counts smppd_jobs_final_total without reading anything again. Only a
-- job's one final transition lands here, so each outcome is counted once (by the daemon whose call made it).
local finals, finals_order = {}, {}
local function count_final(car, cls, state)
  local k = (car or '') .. ' ' .. (cls or '') .. ' ' .. state
  if not finals[k] then finals[k] = 0; finals_order[#finals_order + 1] = k end
  finals[k] = finals[k] + 1
end
-- Flat: 'carrier class state', count, ... ('' for a carrier or class the job never had).
local function finals_reply()
  local out = {}
  for _, k in ipairs(finals_order) do out[#out + 1] = k; out[#out + 1] = finals[k] end
  return out
end

-- End a job: its final state, kept for the retention period only. The caller writes the event.
-- `pf`, `pv`: a part state written in the same HSET (apply_receipt, a single-part job's last receipt).
local function end_job(id, state, now, retention, pf, pv)
  local at = ms_text(now)
  if pf then job_write(id, retention, 'st', state, 'end', at, pf, pv) else job_write(id, retention, 'st', state, 'end', at) end
end

-- End a job: state, one event, the hash kept for the retention period only.
local function finish(id, state, code, err, now, maxlen, retention, extra, pf, pv)
  end_job(id, state, now, retention, pf, pv)
  local f = job_get(id, 'car', 'n', 'meta', 'cls')
  count_final(f[1], f[4], state)
  local ev = job_event(id, state, now, f)
  if code and code ~= '' then ev.code = code end
  if err and err ~= '' then ev.error = err end
  if extra then for k, v in pairs(extra) do ev[k] = v end end
  emit(ev, maxlen)
end

-- Where a job's ready-to-write bodies (packed as k_body says) are, by state:
--   queued: in its lane entry, `<id> <bodies>` (lane_entry; ids never hold a space, job-fields.ts), so a
--           job sent at once never has a key of its own: no SET, GET and DEL per job
--           (docs/BENCHMARKS-HISTORY.md, "Eighth round", change 35). A lane entry that is the id alone
--           (promoted from the schedule, or queued by an older version) has them in body:<id>.
--   in flight: in its in-flight value, `<claim mark> <bodies>` (claim.lua moves them there), so a recover
--           or a requeue can put them back; settle's HDEL drops them with the entry.
--   scheduled: in body:<id> (keep_bodies).
-- body:<id> stays out of the job hash: one value over hash-max-listpack-value (64 B) turns a hash into
-- a hashtable for good, ~3x the bytes while the job awaits its receipt (measured:
-- docs/BENCHMARKS-HISTORY.md, "First round", change 2).
local function lane_entry(id, bodies)
  if bodies then return id .. ' ' .. bodies end
  return id
end
-- A lane entry or an in-flight value -> its first word (id or claim mark), and the bodies or nil.
local function split_held(v)
  local s = string.find(v, ' ', 1, true)
  if not s then return v, nil end
  return string.sub(v, 1, s - 1), string.sub(v, s + 1)
end

-- Drop body:<id>: where the bodies of a scheduled job, or of one queued by an older version, were.
local function drop_bodies(id)
  redis.call('DEL', k_body(id))
end
-- A dead letter's kept bodies, unless its id now names a live job (ids may be reused after retentionMs,
-- and a scheduled job keeps its bodies under the same key).
local function drop_dead_bodies(id)
  local st = job_get(id, 'st')[1]
  if not st or st == 'failed' then redis.call('DEL', k_body(id)) end
end
-- Bodies that leave their lane entry or in-flight value for the schedule go to body:<id>.
local function keep_bodies(id, bodies)
  if bodies then redis.call('SET', k_body(id), bodies) end
end

-- The bodies in body:<id>. An older version kept them in a list (one part per entry): those are packed
-- the same way, so an upgrade with jobs queued sends them all.
local function read_bodies(id, n)
  local b = redis.pcall('GET', k_body(id))
  if type(b) ~= 'table' then return b end
  local parts = redis.call('LRANGE', k_body(id), 0, n - 1)
  if #parts == 1 then return parts[1] end
  local packed = {}
  for p = 1, #parts do packed[p] = struct.pack('>H', #parts[p]) .. parts[p] end
  return table.concat(packed)
end

-- Back to the head of its lane (never written: no attempt counted), with the bodies it held (nil: they
-- are in body:<id>).
local function requeue_head(id, bodies)
  local f = job_get(id, 'car', 'cls')
  if not f[1] then return false end
  job_set(id, 'st', 'queued')
  redis.call('LPUSH', k_lane(f[1], f[2]), lane_entry(id, bodies))
  return true
end

-- Frequency cap: give back the count ingest.lua took (once: 'ck' is cleared).
-- Used when a job ends without being sent (claim: expired; settle: failed before any part was accepted).
local function release_cap(id)
  local ck = job_get(id, 'ck')[1]
  if not ck then return end
  job_set(id, 'ck', '')
  local key = P .. 'cap:' .. ck
  if tonumber(redis.call('GET', key) or 0) > 0 then redis.call('DECR', key) end
end

-- 'id:part' -> id, part. Split at the LAST colon: job ids may contain ':' themselves (`p:<entry id>`).
local function split2(s)
  local id, part = string.match(s, '^(.*):(%d+)$')
  return id, part
end

-- Number hygiene (care.invalidErrorCodes): a final, undelivered receipt whose err is listed marks the
-- recipient invalid for INVALID.ms (ingest.lua then rejects INVALID_NUMBER). Scripts that pass the
-- settings end their ARGV with: invalidForMs, code1..codeK, K (read from the end, whatever comes before).
local INVALID = { ms = 0, codes = {} }
local function err_form(e) return (string.gsub(e or '', '^0+(%d)', '%1')) end
local function load_invalid()
  local k = tonumber(ARGV[#ARGV])
  if not k or #ARGV < k + 2 then return end
  INVALID.ms = tonumber(ARGV[#ARGV - k - 1]) or 0
  for j = #ARGV - k, #ARGV - 1 do INVALID.codes[err_form(ARGV[j])] = true end
end
local function mark_invalid(id, stat, err)
  if INVALID.ms <= 0 or stat == 'DELIVRD' or not FINAL_STAT[stat] or not INVALID.codes[err_form(err)] then return end
  local to = job_get(id, 'to')[1]
  if to then redis.call('SET', P .. 'invalid:' .. to, stat .. ' err:' .. err, 'PX', INVALID.ms) end
end

-- A permanent submit error that says the destination is no number (care.invalidSubmitStatuses, decided
-- by the daemon): marked as a receipt would mark it, for INVALID.ms.
local function mark_invalid_submit(id, err)
  if INVALID.ms <= 0 then return end
  local to = job_get(id, 'to')[1]
  if to then redis.call('SET', P .. 'invalid:' .. to, 'submit ' .. err, 'PX', INVALID.ms) end
end

-- The receipt-map keys a receipt is looked up in, newest day first: made once per carrier per call, as a
-- day's number turned into text costs Lua a sprintf (%.14g) each time.
local dlr_days_keys = {}
local function receipt_map_keys(carrier, now, ttl_days)
  local keys = dlr_days_keys[carrier]
  if keys then return keys end
  keys = {}
  local day = math.floor(tonumber(now) / 86400000)
  for d = day, day - ttl_days, -1 do keys[#keys + 1] = k_dlr(carrier, d) end
  dlr_days_keys[carrier] = keys
  return keys
end

-- Apply one delivery receipt to the part it names. Returns 'held' (no mapping yet), 'dup',
-- 'interim' or 'final', and for 'final' the submit-to-final latency in ms, as a number and as text.
-- Shared by receipt.lua, settle.lua (a receipt that raced its response) and receipt-sweep.lua.
local function apply_receipt(carrier, msgid, stat, err, now, ttl_days, maxlen, retention)
  local v = false
  for _, dk in ipairs(receipt_map_keys(carrier, now, ttl_days)) do
    v = redis.call('HGET', dk, msgid)
    if v then break end
  end
  if not v then return 'held' end
  local id, idx = split2(v)
  -- One read of everything this needs (a single-part receipt used to cost eight HGETs).
  local f, mid
  local rec = false
  if idx == '1' then
    rec = redis.call('GET', k_rec(id))
    if not rec then recs[id] = false end -- a hash (or nothing): job_get and job_write need not look again
  end
  if rec then
    -- A record: its fields from one match, its end written below in one SET (REC_RECEIPT).
    local st, car, cls, sub, p1, ids
    st, mid, car, cls, sub, p1, ids = string.match(rec, REC_RECEIPT)
    f = { nz(st), '1', nz(p1), nz(ids), nz(sub), nz(car), false, nz(cls) }
  else
    f = redis.call('HMGET', k_job(id), 'st', 'n', 'p' .. idx, 'ids', 'sub', 'car', 'meta', 'cls')
  end
  local st = f[1]
  if not st or FINAL[st] then return 'dup' end
  local n = tonumber(f[2])
  -- A part's final state is never overwritten: a late ENROUTE or a resent receipt changes nothing.
  local prev = f[3]
  if prev and FINAL_STAT[prev] then return 'dup' end
  -- The final state of a job's only part is written with the job's end (one HSET, not two: about 0.5 µs
  -- per receipt, docs/BENCHMARKS-HISTORY.md, "Seventh round", change 28);
  -- any other part's state first, as the HMGET below reads it.
  local single = n == 1 and tonumber(idx) == 1
  local pf, pv = nil, nil
  if single and FINAL_STAT[stat] then pf, pv = 'p1', stat else job_set(id, 'p' .. idx, stat) end
  mark_invalid(id, stat, err)
  if not FINAL_STAT[stat] then
    local ev = job_event(id, 'enroute', now)
    ev.part = tonumber(idx); ev.stat = stat
    emit(ev, maxlen)
    return 'interim'
  end
  local states
  if single then
    states = { stat }
  else
    local names = {}
    for k = 1, n do names[k] = 'p' .. k end
    states = job_get(id, unpack(names))
  end
  local parts, all_final, all_ok, all_exp = {}, true, true, true
  for k = 1, n do
    local s = states[k]
    parts[k] = s or 'PENDING'
    if not s or not FINAL_STAT[s] then all_final = false end
    if s ~= 'DELIVRD' then all_ok = false end
    if s ~= 'EXPIRED' and s ~= 'DELIVRD' then all_exp = false end
  end
  if not all_final then return 'interim' end
  local ids = f[4] or '[]'
  if ids == '{}' then ids = '[]' end -- an empty list as an older version stored it
  local latency = tonumber(now) - tonumber(f[5] or now)
  local latency_text = string.format('%d', latency)
  if all_ok then
    -- The common end, its event written as text (see json_str): the fields finish() would write.
    if mid then
      redis.call('SET', k_rec(id), 'delivered|' .. mid .. '|' .. (f[5] or '') .. '|' .. ms_text(now) .. '|' .. stat .. '|' .. (f[4] or ''),
        'PX', retention)
      recs[id] = nil
    else
      end_job(id, 'delivered', now, retention, pf, pv)
    end
    count_final(f[6], f[8], 'delivered')
    local states = n == 1 and ('[' .. json_str_known(parts[1]) .. ']') or json_strings(parts)
    emit_json(event_head(id, 'delivered', now, { f[6], f[2], f[7] }) .. ',"partStates":' .. states ..
      ',"msgIds":' .. ids .. ',"latencyMs":' .. latency_text .. '}', maxlen)
    return 'final', latency, latency_text
  end
  local extra = { partStates = parts, msgIds = cjson.decode(ids), latencyMs = latency }
  if all_exp then
    finish(id, 'expired', 'EXPIRED', 'the carrier reported the message expired', now, maxlen, retention, extra, pf, pv)
  else
    extra.receiptError = err
    finish(id, 'undeliverable', 'UNDELIVERABLE', 'the carrier reported ' .. stat .. ' err:' .. (err or ''), now, maxlen, retention, extra, pf, pv)
  end
  return 'final', latency, latency_text
end
