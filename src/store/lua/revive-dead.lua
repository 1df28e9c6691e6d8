-- revive-dead: send dead letters again. A dead letter is a job that ended `failed` (RETRIES_EXHAUSTED)
-- and keeps its one final event; so each is sent again as a NEW job, id `<id>:r<k>` (the first k free),
-- with the failed job's recipient, carrier, class, expiry, meta and PDU bodies (settle.lua keeps the
-- bodies in body:<id> for retentionMs). The new job is queued at the tail of its lane with a `queued`
-- event naming `retryOf`, and the id leaves the dead set, so a second retry of it finds nothing to do.
-- Care rules are not applied again, and its cap count is not taken again (the operator decided).
-- KEYS: 1 events, 2 dead
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>, and the lane of each job's carrier and class
-- The events stream is not trimmed here: this runs from the command line, without the daemon's
-- queue.eventsMaxLen; the daemon's next script trims it.
-- ARGV: 1 prefix, 2 now ms, 3.. dead letter ids
-- Returns: per id: the new job's id, or 'missing' (not in the dead set), 'live' (the id now names a job
--   that did not fail: an id reused after the retention period; left as it is), 'gone' (its job's state or
--   bodies expired: nothing left to send; purge it)
local now = tonumber(ARGV[2])
local dead = KEYS[2]
local out = {}
for a = 3, #ARGV do
  local id = ARGV[a]
  local f = job_get(id, 'st', 'to', 'car', 'cls', 'exp', 'n', 'meta', 'rs', 'qo')
  local n = tonumber(f[6] or 0)
  local bodies = (f[1] == 'failed' and n > 0) and read_bodies(id, n) or nil
  if not redis.call('ZSCORE', dead, id) then
    out[#out + 1] = 'missing'
  elseif f[1] and f[1] ~= 'failed' then
    out[#out + 1] = 'live'
  elseif not f[1] or not f[3] or not bodies then
    out[#out + 1] = 'gone'
  else
    local k, new = 1, id .. ':r1'
    while redis.call('EXISTS', k_job(new), k_rec(new)) > 0 do k = k + 1; new = id .. ':r' .. k end
    -- eid 'revived' matches no stream entry: an app job pushed later with this id is DUPLICATE_ID, not a replay.
    local fields = { 'eid', 'revived', 'to', f[2], 'car', f[3], 'cls', f[4], 'exp', f[5] or '0', 'n', f[6], 'ts', ARGV[2], 'st', 'queued' }
    if f[7] and f[7] ~= '' then fields[#fields + 1] = 'meta'; fields[#fields + 1] = f[7] end
    if f[8] == '1' then fields[#fields + 1] = 'rs'; fields[#fields + 1] = '1' end
    if f[9] and f[9] ~= '' then fields[#fields + 1] = 'qo'; fields[#fields + 1] = f[9] end
    redis.call('HSET', k_job(new), unpack(fields))
    redis.call('RPUSH', k_lane(f[3], f[4]), lane_entry(new, bodies))
    redis.call('ZREM', dead, id)
    drop_bodies(id)
    local ev = job_event(new, 'queued', now, { f[3], f[6], f[7] })
    ev.retryOf = id
    emit(ev, nil)
    out[#out + 1] = new
  end
end
return out
