-- lease: renew this daemon's lease if it still holds it; release it on a clean stop.
-- Renewal also counts the live daemons (lease key present): each takes 1/N of a carrier's TPS, so the
-- carrier-wide rate is shared across daemons on one Redis, never multiplied. It records the join generation
-- this daemon's share already reflects (`daemons:seen`), and tells a joining daemon how many live peers have
-- not yet renewed with its generation: it sends nothing until they have (recover.lua, join generation).
-- A release marks `daemons:left` for one rate window, so a daemon joining right after it waits that window out.
-- KEYS: 1 lease (this daemon's), 2 daemons, 3 daemons:seen, 4 daemons:left, 5 daemons:gen
-- Built here from the key prefix (ARGV 1): lease:<d> of each registered daemon
-- ARGV: 1 prefix, 2 daemon, 3 token, 4 leaseMs, 5 op ('renew' | 'release'),
--   6 renew: the generation this daemon's share reflects (0: none yet) / release: the rate window in ms,
--   7 renew: this daemon's join generation while it waits to send, else 0
-- Returns: 0 lost (another token holds it, or it expired: stop writing PDUs); for 'release' 1; for 'renew'
--   { live daemons (>= 1), current generation, live peers behind the join generation (0 when ARGV 7 is 0) }.
local key, daemons, seen_key, left_key, gen_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
if redis.call('GET', key) ~= ARGV[3] then return 0 end
if ARGV[5] == 'release' then
  redis.call('DEL', key)
  redis.call('SREM', daemons, ARGV[2])
  redis.call('HDEL', seen_key, ARGV[2])
  redis.call('SET', left_key, '1', 'PX', ARGV[6])
  return 1
end
redis.call('PEXPIRE', key, ARGV[4])
local applied, join = tonumber(ARGV[6]) or 0, tonumber(ARGV[7]) or 0
if applied > 0 then redis.call('HSET', seen_key, ARGV[2], applied) end
local live, behind = 0, 0
for _, d in ipairs(redis.call('SMEMBERS', daemons)) do
  if redis.call('EXISTS', k_lease(d)) == 1 then
    live = live + 1
    if join > 0 and d ~= ARGV[2] and (tonumber(redis.call('HGET', seen_key, d)) or 0) < join then behind = behind + 1 end
  end
end
return { math.max(live, 1), tonumber(redis.call('GET', gen_key)) or 0, behind }
