-- mo-part: keep one part of a concatenated MO until all its parts are there. Parts live in Redis,
-- so a restart loses nothing; the carrier's mo:pending set (first arrival time) lets mo-sweep.lua
-- deliver an incomplete message as partial. A part of a message already delivered is a 'dup'
-- (the SMSC resent it); the caller marks a message done in the same MULTI that records it.
-- KEYS: none
-- ARGV: 1 prefix, 2 now ms, 3 keepMs (hash TTL), 4 carrier, 5 from, 6 to, 7 ref, 8 total, 9 seq, 10 text
-- Returns: {'wait'} | {'dup'} | {'complete', hashKey, member, text1, ..., textN}
local now, keep_ms, car = tonumber(ARGV[2]), ARGV[3], ARGV[4]
local from, to, ref, total, seq, text = ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]), ARGV[9], ARGV[10]
local member = from .. '|' .. ref .. '|' .. total
local hk = P .. '{' .. car .. '}:mo:part:' .. member
if redis.call('HEXISTS', hk, 'done') == 1 then return { 'dup' } end
if redis.call('HSETNX', hk, 'at', now) == 1 then
  redis.call('HSET', hk, 'from', from, 'to', to, 'total', total)
  redis.call('ZADD', P .. '{' .. car .. '}:mo:pending', 'NX', now, member)
  redis.call('PEXPIRE', hk, keep_ms)
end
redis.call('HSET', hk, 's' .. seq, text)
local texts = redis.call('HMGET', hk, unpack((function()
  local f = {}
  for s = 1, total do f[s] = 's' .. s end
  return f
end)()))
local out = { 'complete', hk, member }
for s = 1, total do
  if not texts[s] then return { 'wait' } end
  out[#out + 1] = texts[s]
end
return out
