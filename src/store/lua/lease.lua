-- lease: renew this daemon's lease if it still holds it; release it on a clean stop.
-- KEYS: none. ARGV: 1 prefix, 2 daemon, 3 token, 4 leaseMs, 5 op ('renew' | 'release')
-- Returns: 1 held (or released), 0 lost (another token holds it, or it expired: stop writing PDUs)
local key = k_lease(ARGV[2])
if redis.call('GET', key) ~= ARGV[3] then return 0 end
if ARGV[5] == 'release' then
  redis.call('DEL', key)
  redis.call('SREM', P .. 'daemons', ARGV[2])
  return 1
end
redis.call('PEXPIRE', key, ARGV[4])
return 1
