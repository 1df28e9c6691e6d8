-- mo-sweep: concatenated MOs still incomplete after maxAgeMs are delivered with the parts that
-- arrived, marked partial, rather than dropped. Missing parts are left out of the text.
-- KEYS: 1 mo
-- Built here from the key prefix (ARGV 1): each listed carrier's {c}:mo:pending and its {c}:mo:part:<member> hashes
-- ARGV: 1 prefix, 2 now ms, 3 maxAgeMs, 4 limit per carrier, 5 moMaxLen, then carrier names
-- Returns: one carrier name per partial MO delivered
local now, max_age, limit, mo_max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local out = {}
for a = 6, #ARGV do
  local car = ARGV[a]
  local pk = P .. '{' .. car .. '}:mo:pending'
  local old = redis.call('ZRANGEBYSCORE', pk, '-inf', now - max_age, 'LIMIT', 0, limit)
  for _, member in ipairs(old) do
    local hk = P .. '{' .. car .. '}:mo:part:' .. member
    local f = redis.call('HMGET', hk, 'from', 'to', 'total', 'done')
    if f[1] and not f[4] then
      local total, parts, got = tonumber(f[3]), {}, 0
      for s = 1, total do
        local t = redis.call('HGET', hk, 's' .. s)
        if t then parts[#parts + 1] = t; got = got + 1 end
      end
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', mo_max, '*', 'mo', cjson.encode({
        from = f[1], to = f[2], text = table.concat(parts), carrier = car, at = now, optedOut = false,
        partial = true, parts = got, total = total }))
      redis.call('HSET', hk, 'done', '1')
      out[#out + 1] = car
    end
    redis.call('ZREM', pk, member)
  end
end
return out
