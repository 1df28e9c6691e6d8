-- lease: renew this daemon's lease if it still holds it; release it on a clean stop.
-- Renewal also counts the live daemons (lease key present): each takes 1/N of a carrier's TPS, so the
-- carrier-wide rate is shared across daemons on one Redis, never multiplied (issue: shared TPS budget).
-- KEYS: none. ARGV: 1 prefix, 2 daemon, 3 token, 4 leaseMs, 5 op ('renew' | 'release')
-- Returns: 0 lost (another token holds it, or it expired: stop writing PDUs); otherwise, for 'renew',
--   the number of live daemons (>= 1), for 'release' 1.
local key = k_lease(ARGV[2])
if redis.call('GET', key) ~= ARGV[3] then return 0 end
if ARGV[5] == 'release' then
  redis.call('DEL', key)
  redis.call('SREM', P .. 'daemons', ARGV[2])
  return 1
end
redis.call('PEXPIRE', key, ARGV[4])
local live = 0
for _, d in ipairs(redis.call('SMEMBERS', P .. 'daemons')) do
  if redis.call('EXISTS', k_lease(d)) == 1 then live = live + 1 end
end
return math.max(live, 1)
