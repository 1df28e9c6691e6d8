-- mark-submitting: record state S for claimed jobs BEFORE their PDUs are written (ARCHITECTURE §2):
-- after a crash, S means "maybe on the wire", so recovery never resends it silently.
-- KEYS: none. ARGV: 1 prefix, 2 daemon, 3 lease token, 4.. job ids
-- Returns: 1, or -1 when the lease is not held (write nothing: a peer may already own these jobs).
local daemon, token = ARGV[2], ARGV[3]
if redis.call('GET', k_lease(daemon)) ~= token then return -1 end
local fields = {}
for i = 4, #ARGV do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = 'S'
end
if #fields > 0 then redis.call('HSET', k_inflight(daemon), unpack(fields)) end
return 1
