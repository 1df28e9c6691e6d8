-- ingest: store prepared jobs, put them in their lane (or the schedule), XACK their stream entries.
-- Idempotent: a replay of the same stream entry (crash between prepare and XACK) changes nothing.
-- KEYS: none (names built from the prefix; see keys.ts)
-- Care rules, in this order (ARCHITECTURE §6): blacklist (every class) -> BLACKLISTED; a number marked
-- invalid by a receipt -> INVALID_NUMBER; opted out (marketing) -> OPTED_OUT; dedup fingerprint seen
-- within the window -> DUPLICATE; frequency cap (INCR; over the limit it is taken back) -> OVER_CAP.
-- The dedup fingerprint is set only once every rule passed, so a refused job does not block a retry.
-- ARGV: 1 prefix, 2 group, 3 now ms, 4 eventsMaxLen, 5 retentionMs, 6 dedupWindowMs, 7 count, then per job:
--   accepted: 'A', entryId, id, to, carrier, class, fingerprint, sendAt, expiresAt, resend, meta, tz, quietHours,
--             utcOffsetMin ('' = quiet hours do not apply), deferred ('' | 'quiet-hours'),
--             capKey ('' = no cap), capLimit, capExpireAtMs, n, body1..bodyN
--   rejected: 'R', entryId, id, code, error, to, meta
--   and, last, the key of the stream the entries were read from (XACKed there)
-- Returns: one status per job: 'queued' | 'scheduled' | 'rejected:<CODE>' | 'replay'
local group, now, maxlen, retention, dedup_ms = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
local count = tonumber(ARGV[7])
local jobs_key = ARGV[#ARGV]
local out = {}
local i = 8

-- A second job with an id already in use gets its own rejected event; the first job is untouched.
local function same_entry(id, eid)
  local seen = redis.call('HGET', k_job(id), 'eid')
  if not seen then return nil end
  return seen == eid
end

local function reject_new(id, eid, code, err, to, meta)
  local jk = k_job(id)
  redis.call('HSET', jk, 'st', 'rejected', 'eid', eid, 'to', to, 'meta', meta, 'ts', now, 'end', now)
  local ev = { id = id, state = 'rejected', at = now, code = code, error = err }
  if meta ~= '' then ev.meta = cjson.decode(meta) end
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

-- A second job with an id in use: its own rejected event; the first job is untouched.
local function duplicate_id(id)
  emit({ id = id, state = 'rejected', at = now, code = 'DUPLICATE_ID', error = REFUSALS.DUPLICATE_ID }, maxlen)
  out[#out + 1] = 'rejected:DUPLICATE_ID'
end

-- The first care rule that refuses the job, or nil (then the cap count is taken).
local function care_refusal(to, cls, fp, ck, cap_limit, cap_exp)
  if redis.call('SISMEMBER', P .. 'blacklist', to) == 1 then return 'BLACKLISTED' end
  if redis.call('EXISTS', P .. 'invalid:' .. to) == 1 then return 'INVALID_NUMBER' end
  if cls == 'marketing' and redis.call('SISMEMBER', P .. 'optout', to) == 1 then return 'OPTED_OUT' end
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
  local seen = same_entry(id, eid)
  if kind == 'R' then
    local code, err, to, meta = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
    i = i + 7
    if seen == true then
      out[#out + 1] = 'replay'
    elseif seen == false then
      duplicate_id(id)
    else
      reject_new(id, eid, code, err, to, meta)
      out[#out + 1] = 'rejected:' .. code
    end
  else
    local to, car, cls, fp = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6]
    local send_at, exp, resend, meta = tonumber(ARGV[i + 7]), tonumber(ARGV[i + 8]), ARGV[i + 9], ARGV[i + 10]
    local tz, qh, qo, why = ARGV[i + 11], ARGV[i + 12], ARGV[i + 13], ARGV[i + 14]
    local ck, cap_limit, cap_exp = ARGV[i + 15], tonumber(ARGV[i + 16]), tonumber(ARGV[i + 17])
    local n = tonumber(ARGV[i + 18])
    local b0 = i + 19
    i = b0 + n
    local refused = nil
    if seen == nil then refused = care_refusal(to, cls, fp, ck, cap_limit, cap_exp) end
    if seen == true then
      out[#out + 1] = 'replay'
    elseif seen == false then
      duplicate_id(id)
    elseif refused then
      reject_new(id, eid, refused, REFUSALS[refused], to, meta)
      out[#out + 1] = 'rejected:' .. refused
    else
      if fp ~= '' and dedup_ms > 0 then redis.call('SET', P .. 'dedup:' .. fp, id, 'PX', dedup_ms) end
      local jk = k_job(id)
      local fields = { 'eid', eid, 'to', to, 'car', car, 'cls', cls, 'exp', exp, 'rs', resend, 'meta', meta,
        'tz', tz, 'qh', qh, 'n', n, 'att', 0, 'ts', now, 'fp', fp, 'qo', qo, 'ck', ck }
      redis.call('DEL', k_body(id)) -- the bodies of an earlier job with this id, long gone, must not be sent
      if n > 0 then redis.call('RPUSH', k_body(id), unpack(ARGV, b0, b0 + n - 1)) end
      if send_at > now then
        fields[#fields + 1] = 'st'; fields[#fields + 1] = 'scheduled'
        redis.call('HSET', jk, unpack(fields))
        redis.call('ZADD', k_sched(car), send_at, id)
        local ev = job_event(id, 'scheduled', now)
        ev.sendAt = send_at
        if why ~= '' then ev.reason = why end
        emit(ev, maxlen)
        out[#out + 1] = 'scheduled'
      else
        fields[#fields + 1] = 'st'; fields[#fields + 1] = 'queued'
        redis.call('HSET', jk, unpack(fields))
        redis.call('RPUSH', k_lane(car, cls), id)
        out[#out + 1] = 'queued'
      end
    end
  end
  redis.call('XACK', jobs_key, group, eid)
end
return out
