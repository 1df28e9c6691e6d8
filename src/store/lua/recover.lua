-- recover: hand back the in-flight jobs of this daemon (at start) and of every peer whose lease is gone.
-- Never written -> head of its lane: C (claimed by a version that marked submitting in a second call), and
-- S<tag> of this daemon's claims whose reply it never got (ARGV 9..: it wrote nothing of them). Other S
-- (maybe on the wire) -> `unknown`, or requeued when the job asked to be resent (ARCHITECTURE §2).
-- Idempotent: the in-flight table is deleted as it is read.
-- KEYS: none
-- ARGV: 1 prefix, 2 daemon, 3 lease token, 4 leaseMs, 5 now ms, 6 eventsMaxLen, 7 retentionMs, 8 mode ('start' | 'peers'),
--       9.. claim tags of this daemon's lost claim replies (mode start)
-- Returns: { requeued, unknown, resent, peers recovered, -1 if the lease is held by another token (mode peers) }
local daemon, token, lease_ms, now = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local maxlen, retention, mode = ARGV[6], ARGV[7], ARGV[8]
local requeued, unknown, resent, peers = 0, 0, 0, 0
local unwritten = {}
for i = 9, #ARGV do unwritten['S' .. ARGV[i]] = true end

local function recover(d, own)
  local infl = k_inflight(d)
  local all = redis.call('HGETALL', infl)
  for j = 1, #all, 2 do
    -- The value is the claim mark, then (from a daemon of this version) a space and the job's bodies.
    local id, st, bodies = all[j], split_held(all[j + 1])
    local jk = k_job(id)
    local js = redis.call('HGET', jk, 'st')
    if js and not FINAL[js] then
      if st == 'C' or (own and unwritten[st]) then
        requeue_head(id, bodies); requeued = requeued + 1
      elseif redis.call('HGET', jk, 'rs') == '1' then
        requeue_head(id, bodies); resent = resent + 1
      else
        drop_bodies(id) -- where an older version's claim left them
        finish(id, 'unknown', 'UNKNOWN_OUTCOME', 'the daemon stopped after writing, before the response', now, maxlen, retention)
        unknown = unknown + 1
      end
    end
  end
  redis.call('DEL', infl)
end

if mode == 'start' then
  redis.call('SET', k_lease(daemon), token, 'PX', lease_ms)
  redis.call('SADD', P .. 'daemons', daemon)
  recover(daemon, true)
elseif redis.call('GET', k_lease(daemon)) ~= token then
  return { 0, 0, 0, 0, -1 }
end
for _, d in ipairs(redis.call('SMEMBERS', P .. 'daemons')) do
  if d ~= daemon and redis.call('EXISTS', k_lease(d)) == 0 then
    recover(d, false)
    redis.call('SREM', P .. 'daemons', d)
    peers = peers + 1
  end
end
trim_events()
return { requeued, unknown, resent, peers, 0 }
