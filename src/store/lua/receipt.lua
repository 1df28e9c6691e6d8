-- receipt: match delivery receipts to the part they name and end jobs whose parts are all final.
-- A receipt whose mapping is not there yet (it raced its submit_sm_resp) is held in the carrier's
-- early hash, its first arrival time in the early:at sorted set; settle.lua applies it when the
-- mapping arrives, receipt-sweep.lua retries it and, after earlyReceiptMs, moves it to the orphans
-- stream. Replays are harmless ('dup'; a resent early receipt keeps its first arrival time).
-- KEYS: 1 events
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, invalid:<to>, and for each receipt's carrier its receipt maps
--   ({c}:dlr:<day>) and early receipts ({c}:early, {c}:early:at)
-- ARGV: 1 prefix, 2 now ms, 3 events (common.lua events_cap), 4 retentionMs, 5 receiptTtlDays, 6 count,
--       then per receipt: carrier, messageId (canonical), stat, err;
--       then invalidForMs, invalid err codes..., their count (number hygiene, common.lua load_invalid)
-- Returns: one status per receipt: 'final:<latency ms>' | 'interim' | 'held' | 'dup', then the final
--   outcomes it decided (common.lua finals_reply)
local now, maxlen, retention, ttl_days = tonumber(ARGV[2]), events_cap(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local count = tonumber(ARGV[6])
load_invalid()
local out, i = {}, 7
for _ = 1, count do
  local car, msgid, stat, err = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  i = i + 4
  local r, _, latency_text = apply_receipt(car, msgid, stat, err, now, ttl_days, maxlen, retention)
  if r == 'held' then
    redis.call('HSET', k_early(car), msgid, cjson.encode({ stat = stat, err = err, at = now }))
    redis.call('ZADD', k_early_at(car), 'NX', now, msgid)
  elseif r == 'final' then
    r = 'final:' .. latency_text
  end
  out[#out + 1] = r
end
trim_events()
out[#out + 1] = finals_reply()
return out
