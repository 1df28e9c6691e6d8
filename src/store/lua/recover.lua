-- recover: hand back the in-flight jobs of this daemon (at start) and of every peer whose lease is gone.
-- Never written -> head of its lane: C (claimed by a version that marked submitting in a second call), and
-- S<tag> of this daemon's claims whose reply it never got (ARGV 9..: it wrote nothing of them). Other S
-- (maybe on the wire) -> `unknown`, or requeued when the job asked to be resent
-- (docs/ARCHITECTURE.md, "State of a job (Redis is the truth)").
-- Idempotent: the in-flight table is deleted as it is read.
-- KEYS: 1 events, 2 daemons, 3 format, 4 daemons:gen, 5 daemons:seen, 6 daemons:left, 7 lease (this daemon's),
--   8 inflight (this daemon's in-flight table)
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>, the lane of each job's carrier and class, and of
--   each registered daemon its lease:<d>, inflight:<d> and health:<d>
-- ARGV: 1 prefix, 2 daemon, 3 lease token, 4 leaseMs, 5 now ms, 6 events (common.lua events_cap), 7 retentionMs, 8 mode ('start' | 'peers'),
--       9 this daemon's previous token ('' at process start), 10.. claim tags of this daemon's lost claim replies (mode start)
-- Returns: { requeued, unknown, resent, peers recovered, 0, the final outcomes it decided (common.lua finals_reply) };
--   mode start puts { join generation, live peers, 1 if a daemon left within the last rate window else 0 }
--   before the final outcomes (which stay last). { 0, 0, 0, 0, -1 } if the lease is held by another token (mode peers).
--   Mode start, nothing written: { 0, 0, 0, 0, -2, name } when a daemon of an older storage format holds a live
--   lease; { 0, 0, 0, 0, -3, expiry ms (Redis clock) } when another token holds this daemon's lease (a crashed
--   predecessor whose lease has not lapsed yet, or a live daemon with the same instanceId: the caller tells them
--   apart by whether the expiry moves, lease-keeper.ts).
-- Join generation: `daemons:gen` counts joins. A joining daemon sends nothing until every live peer has renewed
--   with that generation (lease.lua `daemons:seen`): each peer has lowered its share of the carriers' TPS first.
-- Storage format 2: lane entries and in-flight values carry job bodies (common.lua lane_entry). A daemon of an
-- older version reads a lane entry as a job id, finds no such job and drops the entry as stale: the job would
-- never be sent. Format 3: the bodies of a carrier with channels are tagged by channel (src/store/bodies.ts);
-- a daemon of format 2 would write them to its SMSC as submit_sm bodies. Format 4: the common job is a record
-- at jr:<id>, not a hash (common.lua job_get); a daemon of format 3 would find no job for its lane entry and drop
-- it. So a daemon does not start beside
-- one of an older format (docs/OPERATIONS.md, Upgrading); each daemon's format is kept in the `format` hash.
local FORMAT = '4'
local daemons, formats, gen_key, seen_key, left_key = KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local lease, own_infl = KEYS[7], KEYS[8]
local daemon, token, lease_ms, now = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local maxlen, retention, mode = events_cap(ARGV[6]), ARGV[7], ARGV[8]
local requeued, unknown, resent, peers = 0, 0, 0, 0
local join_gen, live_peers = 0, 0
local unwritten = {}
for i = 10, #ARGV do unwritten['S' .. ARGV[i]] = true end

local function recover(infl, own)
  local all = redis.call('HGETALL', infl)
  for j = 1, #all, 2 do
    -- The value is the claim mark, then (from a daemon of this version) a space and the job's bodies.
    local id, st, bodies = all[j], split_held(all[j + 1])
    local js = job_get(id, 'st')[1]
    if js and not FINAL[js] then
      if st == 'C' or (own and unwritten[st]) then
        requeue_head(id, bodies); requeued = requeued + 1
      elseif job_get(id, 'rs')[1] == '1' then
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
  for _, d in ipairs(redis.call('SMEMBERS', daemons)) do
    if d ~= daemon and redis.call('EXISTS', k_lease(d)) == 1 and redis.call('HGET', formats, d) ~= FORMAT then
      return { 0, 0, 0, 0, -2, d }
    end
  end
  local holder = redis.call('GET', lease)
  if holder and holder ~= token and holder ~= ARGV[9] then
    local t = redis.call('TIME')
    return { 0, 0, 0, 0, -3, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + redis.call('PTTL', lease) }
  end
  redis.call('HSET', formats, daemon, FORMAT)
  redis.call('SET', lease, token, 'PX', lease_ms)
  redis.call('SADD', daemons, daemon)
  join_gen = redis.call('INCR', gen_key)
  redis.call('HSET', seen_key, daemon, join_gen)
  for _, d in ipairs(redis.call('SMEMBERS', daemons)) do
    if d ~= daemon and redis.call('EXISTS', k_lease(d)) == 1 then live_peers = live_peers + 1 end
  end
  recover(own_infl, true)
elseif redis.call('GET', lease) ~= token then
  return { 0, 0, 0, 0, -1 }
end
for _, d in ipairs(redis.call('SMEMBERS', daemons)) do
  if d ~= daemon and redis.call('EXISTS', k_lease(d)) == 0 then
    recover(k_inflight(d), false)
    redis.call('SREM', daemons, d)
    redis.call('HDEL', formats, d)
    redis.call('HDEL', seen_key, d)
    redis.call('DEL', P .. 'health:' .. d) -- its channels' health (keys.ts health): a dead daemon's view
    peers = peers + 1
  end
end
trim_events()
if mode == 'start' then
  return { requeued, unknown, resent, peers, 0, join_gen, live_peers, redis.call('EXISTS', left_key), finals_reply() }
end
return { requeued, unknown, resent, peers, 0, finals_reply() }
