-- receipt: match delivery receipts to the part they name and end jobs whose parts are all final.
-- A receipt whose mapping is not there yet (it raced its submit_sm_resp) is held in the carrier's
-- early hash; settle.lua applies it when the mapping arrives. Replays are harmless ('dup').
-- KEYS: none
-- ARGV: 1 prefix, 2 now ms, 3 eventsMaxLen, 4 retentionMs, 5 receiptTtlDays, 6 count,
--       then per receipt: carrier, messageId (normalised), stat, err
-- Returns: one status per receipt: 'final' | 'interim' | 'held' | 'dup'
local now, maxlen, retention, ttl_days = tonumber(ARGV[2]), ARGV[3], ARGV[4], tonumber(ARGV[5])
local count = tonumber(ARGV[6])
local out, i = {}, 7
for _ = 1, count do
  local car, msgid, stat, err = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  local r = apply_receipt(car, msgid, stat, err, now, ttl_days, maxlen, retention)
  if r == 'held' then
    redis.call('HSET', k_early(car), msgid, cjson.encode({ stat = stat, err = err, at = now }))
  end
  out[#out + 1] = r
end
return out
