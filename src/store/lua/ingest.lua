-- ingest: store prepared jobs, put them in their lane (or the schedule), XACK their stream entries.
-- All or nothing: every record is checked before the first write (check_args), and nothing an app sent
-- is decoded here (meta stays the app's JSON text: common.lua emit), so no write can fail partway.
-- Idempotent: a job (record or hash) with this stream entry's id is a replay. Its entry acknowledged, the call that
-- stored it finished: nothing to do. Still pending, that call stopped partway (a Redis error): a job it
-- left `queued` is put in its lane now unless it is there or in flight already (lanes are pushed after the
-- loop, the XACK last), any other state and its event were written together, so it too is left as it is.
-- KEYS: 1 events, 2 stream (jobs or jobs:priority: the entries were read from it, XACKed there), 3 blacklist,
--   4 optout, 5 daemons
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>, invalid:<to>, dedup:<fp>, cap:<capKey>, and the
--   lanes and schedule of each job's carrier ({c}:lane:<class>, {c}:sched), inflight:<d> of each registered daemon
-- Care rules, in this order (docs/CARE.md): blacklist (every class) -> BLACKLISTED; a number marked
-- invalid by a receipt -> INVALID_NUMBER; opted out (marketing) -> OPTED_OUT; dedup fingerprint seen
-- within the window -> DUPLICATE; frequency cap (INCR; over the limit it is taken back) -> OVER_CAP.
-- The dedup fingerprint is set only once every rule passed, so a refused job does not block a retry.
-- ARGV: 1 prefix, 2 group, 3 now ms, 4 events (common.lua events_cap), 5 retentionMs, 6 dedupWindowMs, 7 count, then per job:
--   accepted: 'A', entryId, id, to, carrier, class, fingerprint, sendAt, expiresAt, resend, meta,
--             qo (zone offset and its changes, queue-store.ts zoneOffsets; '' = quiet hours do not apply),
--             deferred ('' | 'quiet-hours'),
--             capKey ('' = no cap), capLimit, capExpireAtMs, n, bodies (common.lua: k_body, lane_entry)
--   accepted, sent now with nothing else to keep (no sendAt ahead, resend, meta, qo, deferral or cap):
--             'a', entryId, id, to, carrier, class, fingerprint, expiresAt, n, bodies
--             (each argument costs Redis about 0.08 µs: the common job passes 10 instead of 18)
--   rejected: 'R', entryId, id, code, error, to, meta
-- Returns: one status per job: 'queued' | 'scheduled' | 'rejected:<CODE>' | 'replay', then the final
--   outcomes it decided (common.lua finals_reply); or an error (and nothing written) when a record is malformed.
-- A job whose id is in use gets a `rejected` event DUPLICATE_ID of its own under its entry's default id
-- (`<entry id>`, or `p:<entry id>` from the priority stream: types.ts defaultJobId) with `duplicateOf`
-- naming the id it asked for, so that id keeps exactly one final event.
-- That rejection is recorded under the default id (job hash: st rejected, eid, dup = the id in use), so a
-- replay of its entry is a 'replay' too.
local group, now, maxlen, retention, dedup_ms = ARGV[2], tonumber(ARGV[3]), events_cap(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local count = tonumber(ARGV[7])
local jobs_key = KEYS[2]
local blacklist, optout, daemons = KEYS[3], KEYS[4], KEYS[5]
local out = {}
local i = 8

-- Every record well formed, before the first write: a script that errors keeps what it already wrote.
local CLASSES = { otp = true, transactional = true, marketing = true }
local function check_args()
  if not count or count < 0 then return 'count' end
  local at = 8
  for k = 1, count do
    local kind, eid, id = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    if not id or eid == '' or id == '' or string.find(id, ' ', 1, true) then return 'job ' .. k .. ': entry or id' end
    local meta
    if kind == 'R' then
      meta = ARGV[at + 6]
      at = at + 7
    elseif kind == 'A' then
      if not CLASSES[ARGV[at + 5]] or ARGV[at + 4] == '' then return 'job ' .. k .. ': carrier or class' end
      for _, f in ipairs({ 7, 8, 14, 15, 16 }) do
        if not tonumber(ARGV[at + f]) then return 'job ' .. k .. ': number ' .. f end
      end
      meta = ARGV[at + 10]
      at = at + 18
    elseif kind == 'a' then
      if not CLASSES[ARGV[at + 5]] or ARGV[at + 4] == '' then return 'job ' .. k .. ': carrier or class' end
      if not tonumber(ARGV[at + 7]) or not tonumber(ARGV[at + 8]) then return 'job ' .. k .. ': expiry or parts' end
      meta = ''
      at = at + 10
    else
      return 'job ' .. k .. ': kind'
    end
    -- meta goes into events as it is (common.lua emit): an object's text, as job-meta.ts cut it out.
    if not meta or (meta ~= '' and (string.byte(meta, 1) ~= 123 or string.byte(meta, -1) ~= 125)) then
      return 'job ' .. k .. ': meta'
    end
  end
  if at ~= #ARGV + 1 then return 'length' end
  return nil
end
local bad = check_args()
if bad then return redis.error_reply('ERR ingest: malformed arguments (' .. bad .. '); nothing written') end
-- Per batch, not per job (measured: docs/BENCHMARKS-HISTORY.md, "Second round", change 4):
-- one RPUSH per lane, one XACK, and the blacklist and opt-out sets looked at only when they hold anyone.
local lanes, lane_order, acks = {}, {}, {}
local no_blacklist = redis.call('SCARD', blacklist) == 0
local no_optout = redis.call('SCARD', optout) == 0

-- A second job with an id already in use gets its own rejected event; the first job is untouched.
local function same_entry(id, eid)
  local seen = job_get(id, 'eid')[1]
  if not seen then return nil end
  return seen == eid
end

local function reject_new(id, eid, code, err, to, meta, car, cls)
  local jk = k_job(id)
  count_final(car, cls, 'rejected')
  redis.call('HSET', jk, 'st', 'rejected', 'eid', eid, 'to', to, 'meta', meta, 'ts', now, 'end', now)
  local ev = { id = id, state = 'rejected', at = now, code = code, error = err }
  if meta ~= '' then ev.meta = meta end
  emit(ev, maxlen)
  redis.call('PEXPIRE', jk, retention)
end

-- The texts of src/errors.ts for the codes this script decides (test/docs/errors-doc.test.ts keeps them equal).
local REFUSALS = {
  DUPLICATE_ID = 'a job with this id already exists (ids are unique within the retention period)',
  BLACKLISTED = 'the recipient is blacklisted',
  INVALID_NUMBER = 'the recipient was marked invalid by an earlier permanent delivery error',
  OPTED_OUT = 'the recipient opted out of marketing',
  DUPLICATE = 'the same dedupKey (or recipient and text) was seen within the dedup window',
  OVER_CAP = 'the recipient reached the frequency cap for this class and period',
}

-- A second job with an id in use: its own rejected event, under its entry's default id (see the header);
-- the first job is untouched. The rejection is recorded as a small job hash under that default id (st
-- rejected, this entry's id, kept retentionMs like any rejected job), so the replay of a call that
-- stopped partway finds it and writes no second event. A hash an app job already keeps under that id
-- (an app may have chosen it as its own id) is left alone: then only the event is written, as before.
local default_prefix = string.sub(jobs_key, -13) == 'jobs:priority' and 'p:' or ''
local function duplicate_id(id, eid, meta, car, cls)
  local did = default_prefix .. eid
  local seen = same_entry(did, eid)
  if seen == true then
    out[#out + 1] = 'replay'
    return
  end
  count_final(car, cls, 'rejected')
  if seen == nil then
    local dk = k_job(did)
    redis.call('DEL', dk, k_rec(did)) -- a leftover there (see the main loop): none of its fields joins this one
    redis.call('HSET', dk, 'st', 'rejected', 'eid', eid, 'dup', id, 'ts', now, 'end', now)
    redis.call('PEXPIRE', dk, retention)
  end
  local ev = { id = did, duplicateOf = id, state = 'rejected', at = now, code = 'DUPLICATE_ID',
    error = REFUSALS.DUPLICATE_ID }
  if meta ~= '' then ev.meta = meta end
  emit(ev, maxlen)
  out[#out + 1] = 'rejected:DUPLICATE_ID'
end

-- A job (record or hash) with this entry's id: 'replay', or 'queued' when the call that stored it stopped before its
-- lane push (the header says why nothing else needs doing).
local function replayed(id, eid, lane, entry)
  -- pcall: with no stream or group (deleted by hand) nothing can be pending, and this must not fail partway.
  local p = redis.pcall('XPENDING', jobs_key, group, eid, eid, 1)
  if p.err or #p == 0 then return 'replay' end
  if job_get(id, 'st')[1] ~= 'queued' then return 'replay' end
  -- A claimed job keeps `queued` in its hash (claim.lua): in some daemon's in-flight table, or its entry
  -- already in the lane (the call stopped after its lane push), it must not get a second entry. Rare
  -- (a call that failed partway), so the O(N) LPOS and the look at every in-flight table cost nothing.
  if redis.call('LPOS', lane, entry) then return 'replay' end
  for _, d in ipairs(redis.call('SMEMBERS', daemons)) do
    if redis.call('HEXISTS', k_inflight(d), id) == 1 then return 'replay' end
  end
  local q = lanes[lane]
  if not q then q = {}; lanes[lane] = q; lane_order[#lane_order + 1] = lane end
  q[#q + 1] = entry
  return 'queued'
end

-- The first care rule that refuses the job, or nil (then the cap count is taken).
-- `maybe_invalid` false: the caller already knows no invalid mark exists for `to`.
local function care_refusal(to, cls, fp, ck, cap_limit, cap_exp, maybe_invalid)
  if not no_blacklist and redis.call('SISMEMBER', blacklist, to) == 1 then return 'BLACKLISTED' end
  if maybe_invalid and redis.call('EXISTS', P .. 'invalid:' .. to) == 1 then return 'INVALID_NUMBER' end
  if cls == 'marketing' and not no_optout and redis.call('SISMEMBER', optout, to) == 1 then return 'OPTED_OUT' end
  if fp ~= '' and dedup_ms > 0 and redis.call('EXISTS', P .. 'dedup:' .. fp) == 1 then return 'DUPLICATE' end
  if ck ~= '' then
    local key = P .. 'cap:' .. ck
    local used = redis.call('INCR', key)
    -- Relative expiry from the script's clock, so a shifted clock (SMPPD_CLOCK_OFFSET_MS) keeps the counter.
    if used == 1 then redis.call('PEXPIRE', key, math.max(1000, cap_exp - now)) end
    if used > cap_limit then
      redis.call('DECR', key)
      return 'OVER_CAP'
    end
  end
  return nil
end

for _ = 1, count do
  local kind, eid, id = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  -- The common case, a new job to a number with no invalid mark, costs one EXISTS for both questions.
  local seen, maybe_invalid = nil, true
  if kind ~= 'R' and redis.call('EXISTS', k_job(id), k_rec(id), P .. 'invalid:' .. ARGV[i + 3]) == 0 then
    maybe_invalid = false
  else
    seen = same_entry(id, eid)
  end
  -- A key under the id with no stream entry (a job written to after it expired) is a leftover, not a job: it
  -- goes before a new job is written there, so none of its fields (attempts, resend, no expiry) joins the new job's.
  -- Only where the EXISTS above found a key, or ran not at all (a rejected record: rare).
  if seen == nil and maybe_invalid then redis.call('DEL', k_job(id), k_rec(id)) end
  if kind == 'R' then
    local code, err, to, meta = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
    i = i + 7
    if seen == true then
      out[#out + 1] = 'replay'
    elseif seen == false then
      duplicate_id(id, eid, meta)
    else
      reject_new(id, eid, code, err, to, meta)
      out[#out + 1] = 'rejected:' .. code
    end
  else
    local to, car, cls, fp = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
    local send_at, resend, meta, qo, why, ck, cap_limit, cap_exp = 0, '0', '', '', '', '', 0, 0
    -- Numbers stored as the ARGV text they came in: redis.call would format each number again.
    local exp_text, n_text, bodies
    if kind == 'a' then
      exp_text, n_text, bodies = ARGV[i + 7], ARGV[i + 8], ARGV[i + 9]
      i = i + 10
    else
      send_at, exp_text, resend, meta = tonumber(ARGV[i + 7]), ARGV[i + 8], ARGV[i + 9], ARGV[i + 10]
      qo, why = ARGV[i + 11], ARGV[i + 12]
      ck, cap_limit, cap_exp = ARGV[i + 13], tonumber(ARGV[i + 14]), tonumber(ARGV[i + 15])
      n_text, bodies = ARGV[i + 16], ARGV[i + 17]
      i = i + 18
    end
    local exp, n = tonumber(exp_text), tonumber(n_text)
    local refused = nil
    if seen == nil then refused = care_refusal(to, cls, fp, ck, cap_limit, cap_exp, maybe_invalid) end
    if seen == true then
      out[#out + 1] = replayed(id, eid, k_lane(car, cls), n > 0 and lane_entry(id, bodies) or id)
    elseif seen == false then
      duplicate_id(id, eid, meta, car, cls)
    elseif refused then
      reject_new(id, eid, refused, REFUSALS[refused], to, meta, car, cls)
      out[#out + 1] = 'rejected:' .. refused
    else
      if fp ~= '' and dedup_ms > 0 then redis.call('SET', P .. 'dedup:' .. fp, id, 'PX', dedup_ms) end
      -- Only what a script reads later; empty and default values are left out: each field costs the HSET
      -- about 0.7 µs and makes every later HSET/HMGET on the job's listpack dearer. Absent means: exp 0
      -- (never), rs 0, meta none, qo none, ck none, att 0. No `ts`: a stream entry id is its XADD time
      -- (queue-store.ts lanes); a job with another id (revived) keeps one.
      local fields = { 'eid', eid, 'to', to, 'car', car, 'cls', cls, 'n', n_text }
      if exp ~= 0 then fields[#fields + 1] = 'exp'; fields[#fields + 1] = exp_text end
      if resend == '1' then fields[#fields + 1] = 'rs'; fields[#fields + 1] = '1' end
      if meta ~= '' then fields[#fields + 1] = 'meta'; fields[#fields + 1] = meta end
      if qo ~= '' then fields[#fields + 1] = 'qo'; fields[#fields + 1] = qo end
      if ck ~= '' then fields[#fields + 1] = 'ck'; fields[#fields + 1] = ck end
      if send_at > now then
        -- SET replaces the bodies of an earlier job with this id (long gone): they must never be sent.
        if n > 0 then redis.call('SET', k_body(id), bodies) else redis.call('DEL', k_body(id)) end
        fields[#fields + 1] = 'st'; fields[#fields + 1] = 'scheduled'
        redis.call('HSET', k_job(id), unpack(fields))
        redis.call('ZADD', k_sched(car), send_at, id)
        local ev = job_event(id, 'scheduled', now)
        ev.sendAt = send_at
        if why ~= '' then ev.reason = why end
        emit(ev, maxlen)
        out[#out + 1] = 'scheduled'
      else
        -- The common job is a record (common.lua job_get): one SET instead of an HSET of eight fields.
        if kind == 'a' and n == 1 and not string.find(to, '|', 1, true) then
          rec_create(id, eid, to, car, cls, exp ~= 0 and exp_text or '')
        else
          fields[#fields + 1] = 'st'; fields[#fields + 1] = 'queued'
          redis.call('HSET', k_job(id), unpack(fields))
        end
        local lane = k_lane(car, cls)
        local q = lanes[lane]
        if not q then q = {}; lanes[lane] = q; lane_order[#lane_order + 1] = lane end
        -- The bodies ride in the lane entry (common.lua lane_entry); claim reads them from there.
        -- A job with no part has none: a body:<id> an earlier job with this id left must not be sent for it.
        if n > 0 then q[#q + 1] = lane_entry(id, bodies) else redis.call('DEL', k_body(id)); q[#q + 1] = id end
        out[#out + 1] = 'queued'
      end
    end
  end
  acks[#acks + 1] = eid
end
for _, lane in ipairs(lane_order) do in_slices(lanes[lane], function(...) redis.call('RPUSH', lane, ...) end) end
in_slices(acks, function(...) redis.call('XACK', jobs_key, group, ...) end)
trim_events()
out[#out + 1] = finals_reply()
return out
