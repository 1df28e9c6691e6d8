-- settle: record what the SMSC answered for jobs this daemon had in flight, one round trip per batch.
-- A job no longer in this daemon's in-flight table (recovered by a peer after a lost lease) is skipped,
-- so every job reaches exactly one final state.
-- KEYS: 1 events, 2 inflight (this daemon's in-flight table), 3 dead
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>, cap:<capKey>, invalid:<to>, and for each job's
--   carrier its lanes, schedule, receipt maps ({c}:dlr:<day>, {c}:dlr:days) and early receipts ({c}:early, {c}:early:at)
-- ARGV: 1 prefix, 2 now ms, 3 events (common.lua events_cap), 4 retentionMs, 5 receiptTtlDays, 6 maxAttempts,
--       7 retryBaseMs, 8 retryMaxMs, 9 deadMax, 10 count, then per job one record:
--   'ok', id, n, msgId1..msgIdN, car, idsJson, event, fixed
--                                               -- submitted; an empty msgId = that part failed (the event says why).
--                                               -- car, idsJson (the accepted ids), the event's JSON text and a
--                                               -- record's fixed fields ('' for a hash) come from the daemon,
--                                               -- which has what the claim handed it (src/store/settle-event.ts)
--   'requeue', id                               -- never written, or throttled: head of lane, no attempt counted
--   'retry', id, code, error                    -- transient SMSC error: attempt+1, backoff with jitter, or dead letter
--                                               -- (the `dead` zset, its bodies kept in body:<id> for retentionMs so
--                                               -- `smppd dead retry` can send them again; the oldest beyond deadMax
--                                               -- are dropped)
--   'fail', id, code, error, bad                -- permanent: failed; bad '1': the SMSC said the destination is
--                                               -- not a number (care.invalidSubmitStatuses): marked invalid as a
--                                               -- receipt would mark it (number hygiene, invalidForMs)
--   'unknown', id                               -- written, no answer: `unknown`, or requeued when the job asked (resend)
--   then invalidForMs, invalid err codes..., their count (number hygiene for early receipts, common.lua load_invalid)
-- A job that ends failed with no part accepted gives its frequency-cap count back (it was never sent).
-- Returns: one status per record: 'submitted' | 'queued' | 'scheduled' | 'failed' | 'unknown' | 'skipped',
--   then the final outcomes it decided (common.lua finals_reply; early receipts applied here end jobs too)
local now, maxlen, retention = tonumber(ARGV[2]), events_cap(ARGV[3]), ARGV[4]
local ttl_days, max_att, base_ms, max_ms = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local dead_max, count = tonumber(ARGV[9]), tonumber(ARGV[10])
local infl, dead = KEYS[2], KEYS[3]
local out, i = {}, 11
local dead_added = false
local day = math.floor(now / 86400000)
-- A mapping bucket is kept retentionMs past the moment its receipts stop being looked up, so a daemon
-- down that long still finds it and ends its jobs; a submitted job's state is kept a day longer still.
local bucket_ms = (ttl_days + 1) * 86400000 + tonumber(retention)
-- As text, made once: a number passed to redis.call is made text again on every call (a sprintf).
local awaiting_ms = string.format('%d', bucket_ms + 86400000)
-- 'id:part' names of receipt-map values, with the part's number as text made once per call.
local part_text = {}
-- A job's bodies go with its in-flight entry (HDEL): a job this daemon claimed has no body:<id> (claim.lua),
-- so no final state here deletes one.
load_invalid()
-- Once per key per call, not per job: the early hash is checked once per carrier, and receipt-map
-- entries are written with one HSET per day bucket at the end (or before an early receipt is applied,
-- which must find them), each bucket's expiry set once.
local early_empty = {}
local dlr_pending, dlr_keys = {}, {}
local dlr_key = {} -- carrier -> today's receipt-map key, built once per call
local function flush_dlr()
  for _, dk in ipairs(dlr_keys) do
    local pend = dlr_pending[dk]
    in_slices(pend, function(...) redis.call('HSET', dk, ...) end)
    dlr_pending[dk] = {}
  end
end

-- The daemon's car, ids_json and event save a read of the job and the event's text here: about 2 µs per
-- job of Redis's time (docs/BENCHMARKS-HISTORY.md, "Seventh round", change 31).
local function submitted(id, ids, car, ids_json, ev, fixed)
  local n = #ids
  local dk = dlr_key[car]
  if not dk then dk = k_dlr(car, day); dlr_key[car] = dk end
  local good = {}
  local pend = dlr_pending[dk]
  if not pend then pend = {}; dlr_pending[dk] = pend; dlr_keys[#dlr_keys + 1] = dk end
  for p = 1, n do
    if ids[p] ~= '' then
      local pt = part_text[p]
      if not pt then pt = string.format('%d', p); part_text[p] = pt end
      pend[#pend + 1] = ids[p]; pend[#pend + 1] = id .. ':' .. pt
      good[#good + 1] = ids[p]
    elseif fixed == '' then
      job_set(id, 'p' .. p, 'FAILED')
    end
  end
  -- dlr-sweep.lua ends the job `unconfirmed` when no receipt came; this expiry outlives the mapping
  -- bucket that sweep walks, so only a job no daemon ever sweeps (its carrier removed) goes without an event.
  -- A record's five fixed fields, end and part state: from its claim, unread (nothing else of it changes while
  -- it is in this daemon's in-flight table, and its end and part state are empty until its receipt), or else
  -- read, for a hash or a record whose fixed fields the daemon did not hand back.
  local mid, ended, p1 = nil, '', ''
  if fixed ~= '' then
    mid = fixed
    if ids[1] == '' then p1 = 'FAILED' end
  else
    local rec = redis.call('GET', k_rec(id))
    if rec then mid, ended, p1 = string.match(rec, REC_SETTLE) else recs[id] = false end
  end
  if mid then
    -- A record rewritten in one SET with its expiry (common.lua REC_NAMES order).
    redis.call('SET', k_rec(id), 'submitted|' .. mid .. '|' .. ARGV[2] .. '|' .. ended .. '|' .. p1 .. '|' .. ids_json, 'PX', awaiting_ms)
    recs[id] = nil
  else
    job_write(id, awaiting_ms, 'st', 'submitted', 'ids', ids_json, 'sub', ARGV[2])
  end
  if not FINALS_ONLY then emit_json(ev, maxlen) end -- '' then: the daemon made no text (queue-store.ts)
  -- Receipts that arrived before this response waited in the early hash: apply them now.
  -- Usually nothing waits there: one HLEN per batch instead of one HGET per part.
  if early_empty[car] == nil then early_empty[car] = redis.call('HLEN', k_early(car)) == 0 end
  if early_empty[car] then return end
  local early = k_early(car)
  flush_dlr()
  for _, m in ipairs(good) do
    local r = redis.call('HGET', early, m)
    if r then
      redis.call('HDEL', early, m)
      redis.call('ZREM', k_early_at(car), m)
      local rr = cjson.decode(r)
      apply_receipt(car, m, rr.stat, rr.err, now, ttl_days, maxlen, retention)
    end
  end
end

-- Which records' jobs are still this daemon's, and the bodies each holds: one HMGET and one HDEL of the
-- in-flight table per call, not an HDEL per job (about 1 µs per job less; docs/BENCHMARKS-HISTORY.md,
-- "Eleventh round"). A first pass finds each record's id (an 'ok' record's length depends on its part count).
local SIZE = { requeue = 2, retry = 4, fail = 5, unknown = 2 }
local rec_ids, at = {}, i
for k = 1, count do
  rec_ids[k] = ARGV[at + 1]
  at = at + (ARGV[at] == 'ok' and 7 + tonumber(ARGV[at + 2]) or SIZE[ARGV[at]] or 2)
end
local held, gone = {}, {}
local function take_held(...)
  local vals = redis.call('HMGET', infl, ...)
  for k = 1, #vals do held[#held + 1] = vals[k] end
end
in_slices(rec_ids, take_held)
local seen = {}
for k = 1, count do
  -- An id twice in one call is this daemon's the first time only (the second is 'skipped', as before).
  if held[k] then
    if seen[rec_ids[k]] then held[k] = false else seen[rec_ids[k]] = true; gone[#gone + 1] = rec_ids[k] end
  end
end
if #gone > 0 then in_slices(gone, function(...) redis.call('HDEL', infl, ...) end) end

for k = 1, count do
  local act, id = ARGV[i], ARGV[i + 1]
  -- Where the job may go back to a lane or the schedule, its bodies come from the in-flight value.
  local mine, bodies = held[k] and true or false, nil
  if mine and act ~= 'ok' and act ~= 'fail' then
    local _
    _, bodies = split_held(held[k])
  end
  if act == 'ok' then
    local n = tonumber(ARGV[i + 2])
    local ids = {}
    for p = 1, n do ids[p] = ARGV[i + 2 + p] end
    local car, ids_json, ev, fixed = ARGV[i + 3 + n], ARGV[i + 4 + n], ARGV[i + 5 + n], ARGV[i + 6 + n]
    i = i + 7 + n
    if mine then submitted(id, ids, car, ids_json, ev, fixed); out[#out + 1] = 'submitted' else out[#out + 1] = 'skipped' end
  elseif act == 'requeue' then
    i = i + 2
    if mine and requeue_head(id, bodies) then out[#out + 1] = 'queued' else out[#out + 1] = 'skipped' end
  elseif act == 'retry' then
    local code, err = ARGV[i + 2], ARGV[i + 3]
    i = i + 4
    if not mine then
      out[#out + 1] = 'skipped'
    else
      local att = job_incr(id, 'att')
      if att >= max_att then
        redis.call('ZADD', dead, now, id)
        if bodies then redis.call('SET', k_body(id), bodies, 'PX', retention) end
        dead_added = true
        release_cap(id)
        finish(id, 'failed', 'RETRIES_EXHAUSTED', err .. ' (' .. code .. ') after ' .. att .. ' attempts', now, maxlen, retention)
        out[#out + 1] = 'failed'
      else
        -- Exponential backoff with full jitter: base * 2^(att-1), capped, times a random factor in [0.5, 1).
        local delay = math.min(max_ms, base_ms * 2 ^ (att - 1))
        local at = now + math.floor(delay * (0.5 + math.random() / 2))
        local car = job_get(id, 'car')[1]
        keep_bodies(id, bodies)
        job_set(id, 'st', 'scheduled')
        redis.call('ZADD', k_sched(car), at, id)
        local ev = job_event(id, 'retrying', now)
        ev.code = code; ev.error = err; ev.attempt = att; ev.retryAt = at
        emit(ev, maxlen)
        out[#out + 1] = 'scheduled'
      end
    end
  elseif act == 'fail' then
    local code, err, bad = ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
    i = i + 5
    if mine then
      if bad == '1' then mark_invalid_submit(id, err) end
      release_cap(id)
      finish(id, 'failed', code, err, now, maxlen, retention)
      out[#out + 1] = 'failed'
    else
      out[#out + 1] = 'skipped'
    end
  else -- unknown
    i = i + 2
    if not mine then
      out[#out + 1] = 'skipped'
    elseif job_get(id, 'rs')[1] == '1' then
      requeue_head(id, bodies)
      out[#out + 1] = 'queued'
    else
      finish(id, 'unknown', 'UNKNOWN_OUTCOME', 'written, but no response arrived', now, maxlen, retention)
      out[#out + 1] = 'unknown'
    end
  end
end
flush_dlr()
-- A receipt is looked up in the last ttl_days+1 buckets; dlr-sweep.lua walks the days listed in dlr:days
-- once that has passed, ends the jobs still waiting and deletes the bucket. Once per carrier per call.
for car, dk in pairs(dlr_key) do
  redis.call('PEXPIRE', dk, bucket_ms)
  redis.call('HSETNX', k_dlr_days(car), day, '0')
  redis.call('PEXPIRE', k_dlr_days(car), bucket_ms)
end
-- The dead set is bounded: the oldest letters (and their kept bodies) go first.
if dead_added then
  local over = redis.call('ZCARD', dead) - dead_max
  if over > 0 then
    for _, id in ipairs(redis.call('ZRANGE', dead, 0, over - 1)) do drop_dead_bodies(id) end
    redis.call('ZREMRANGEBYRANK', dead, 0, over - 1)
  end
end
trim_events()
out[#out + 1] = finals_reply()
return out
