-- mo-part: keep one part of a concatenated MO until all its parts are there. Parts live in Redis,
-- so a restart loses nothing; the carrier's mo:pending set (first arrival time) lets mo-sweep.lua
-- deliver an incomplete message as partial. A part of a message already delivered is a 'dup'
-- (the SMSC resent it); the caller marks a message done in the same MULTI that records it.
-- KEYS: 1 mo:part (this message's parts, {c}:mo:part:<member>), 2 mo:pending (the carrier's)
-- Builds no key itself (no prefix in ARGV).
-- ARGV: 1 now ms, 2 keepMs (hash TTL), 3 member (from|ref|total), 4 from, 5 to, 6 total, 7 seq, 8 text
-- Returns: {'wait'} | {'dup'} | {'complete', text1, ..., textN}
local now, keep_ms, member = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local from, to, total, seq, text = ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
local hk = KEYS[1]
if redis.call('HEXISTS', hk, 'done') == 1 then return { 'dup' } end
if redis.call('HSETNX', hk, 'at', now) == 1 then
  redis.call('HSET', hk, 'from', from, 'to', to, 'total', total)
  redis.call('ZADD', KEYS[2], 'NX', now, member)
  redis.call('PEXPIRE', hk, keep_ms)
end
redis.call('HSET', hk, 's' .. seq, text)
local texts = redis.call('HMGET', hk, unpack((function()
  local f = {}
  for s = 1, total do f[s] = 's' .. s end
  return f
end)()))
local out = { 'complete' }
for s = 1, total do
  if not texts[s] then return { 'wait' } end
  out[#out + 1] = texts[s]
end
return out
