-- receipt-sweep: bound the early hash. Receipts held longer than earlyReceiptMs get one last try
-- (their mapping may have arrived by another path) and are otherwise moved to the orphans stream,
-- never dropped. The orphans stream is capped here at maxLen; its age is bounded by stream-trim.ts, by
-- Redis's clock: `now` is the daemon's, which may be shifted (SMPPD_CLOCK_OFFSET_MS) and would trim early.
-- KEYS: 1 events, 2 orphans
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, invalid:<to>, and each listed carrier's receipt maps and
--   early receipts
-- A receipt applied on that last try marks its number invalid as receipt.lua would (number hygiene).
-- ARGV: 1 prefix, 2 now ms, 3 events (common.lua events_cap), 4 retentionMs, 5 receiptTtlDays, 6 earlyReceiptMs,
--       7 limit per carrier, 8 orphansMaxLen, 9 carrier count N, 10..9+N carrier names,
--       then invalidForMs, invalid err codes..., their count (common.lua load_invalid)
-- Returns: per carrier: carrier, orphaned count, applied count (flat), then the final outcomes it decided
--   (common.lua finals_reply)
local now, maxlen, retention, ttl_days = tonumber(ARGV[2]), events_cap(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local early_ms, limit, orphans_max = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local orphans = KEYS[2]
local out = {}
load_invalid()
for a = 10, 9 + tonumber(ARGV[9]) do
  local car = ARGV[a]
  local ek, ak = k_early(car), k_early_at(car)
  local old = redis.call('ZRANGEBYSCORE', ak, '-inf', now - early_ms, 'WITHSCORES', 'LIMIT', 0, limit)
  local orphaned, applied = 0, 0
  for j = 1, #old, 2 do
    local msgid, first = old[j], old[j + 1]
    local raw = redis.call('HGET', ek, msgid)
    if raw then
      local rr = cjson.decode(raw)
      local r = apply_receipt(car, msgid, rr.stat, rr.err, now, ttl_days, maxlen, retention)
      if r == 'held' then
        redis.call('XADD', orphans, 'MAXLEN', '~', orphans_max, '*', 'orphan', cjson.encode({
          carrier = car, messageId = msgid, stat = rr.stat, err = rr.err, at = tonumber(first), reason = 'unmatched' }))
        orphaned = orphaned + 1
      else
        applied = applied + 1
      end
      redis.call('HDEL', ek, msgid)
    end
    redis.call('ZREM', ak, msgid)
  end
  out[#out + 1] = car
  out[#out + 1] = orphaned
  out[#out + 1] = applied
end
trim_events()
out[#out + 1] = finals_reply()
return out
