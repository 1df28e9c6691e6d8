-- dlr-sweep: end the jobs whose receipt can no longer come. A receipt is looked up in the mapping buckets
-- of the last receiptTtlDays + 1 days (apply_receipt), so from the start of day d + receiptTtlDays + 1
-- (UTC) no receipt can match a message id of {c}:dlr:<d>: each job of that bucket still `submitted` ends
-- `unconfirmed` (code NO_RECEIPT), one event each, and the bucket is deleted.
-- The buckets are found in {c}:dlr:days (day -> HSCAN cursor; settle.lua adds each day it writes) and
-- walked oldest first, at most `limit` mapping entries per carrier per call; the cursor is kept between
-- calls (a past day's bucket is no longer written, so the walk misses nothing). A bucket written by a
-- version that kept no list is found on its due day and added.
-- KEYS: 1 events
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, and each listed carrier's receipt maps ({c}:dlr:<day>, {c}:dlr:days)
-- ARGV: 1 prefix, 2 now ms, 3 events (common.lua events_cap), 4 retentionMs, 5 receiptTtlDays, 6 limit per carrier,
--       7 the event's error text, 8.. carrier names
-- Returns: per carrier: carrier, jobs ended, 1 when due entries remain (call again soon) else 0 (flat),
--   then the final outcomes it decided (common.lua finals_reply)
local now, maxlen, retention, ttl_days = tonumber(ARGV[2]), events_cap(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local limit, why = tonumber(ARGV[6]), ARGV[7]
local due_day = math.floor(now / 86400000) - ttl_days - 1
local out = {}

-- End one job if it still waits: its event names the parts whose final receipt never came.
local function unconfirm(id)
  local f = job_get(id, 'st', 'n', 'ids', 'sub')
  if f[1] ~= 'submitted' then return false end
  local n = tonumber(f[2]) or 1
  local names = {}
  for k = 1, n do names[k] = 'p' .. k end
  local states = job_get(id, unpack(names))
  local parts, missing = {}, {}
  for k = 1, n do
    parts[k] = states[k] or 'PENDING'
    if not FINAL_STAT[parts[k]] then missing[#missing + 1] = k end
  end
  local extra = { partStates = parts, missingParts = missing, submittedAt = tonumber(f[4]) }
  local ids = f[3] or '[]'
  if ids ~= '[]' and ids ~= '{}' then extra.msgIds = cjson.decode(ids) end
  finish(id, 'unconfirmed', 'NO_RECEIPT', why, now, maxlen, retention, extra)
  return true
end

for a = 8, #ARGV do
  local car = ARGV[a]
  local dk = k_dlr_days(car)
  if redis.call('EXISTS', k_dlr(car, due_day)) == 1 then redis.call('HSETNX', dk, due_day, '0') end
  local listed = redis.call('HGETALL', dk)
  local days = {}
  for j = 1, #listed, 2 do
    local d = tonumber(listed[j])
    if d and d <= due_day then days[#days + 1] = d end
  end
  table.sort(days)
  local budget, ended, more = limit, 0, 0
  for _, d in ipairs(days) do
    if budget <= 0 then more = 1; break end
    local bucket = k_dlr(car, d)
    local cursor = redis.call('HGET', dk, d) or '0'
    repeat
      local r = redis.call('HSCAN', bucket, cursor, 'COUNT', budget)
      cursor = r[1]
      local kv = r[2]
      for j = 2, #kv, 2 do
        local id = split2(kv[j])
        if id and unconfirm(id) then ended = ended + 1 end
      end
      budget = budget - math.max(1, #kv / 2)
    until cursor == '0' or budget <= 0
    if cursor == '0' then
      redis.call('UNLINK', bucket)
      redis.call('HDEL', dk, d)
    else
      redis.call('HSET', dk, d, cursor)
      more = 1
    end
  end
  out[#out + 1] = car
  out[#out + 1] = ended
  out[#out + 1] = more
end
trim_events()
out[#out + 1] = finals_reply()
return out
