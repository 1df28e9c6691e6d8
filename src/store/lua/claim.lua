-- claim: take up to maxParts message parts of one carrier for this daemon, highest class first, and
-- mark them submitting (S) in the same call: the daemon writes their PDUs once this reply is in
-- (docs/ARCHITECTURE.md, "The path of a job", dispatcher), so no second round trip stands between a
-- claim and the wire. The in-flight value is 'S' .. claim tag, then a space and the job's bodies
-- (common.lua lane_entry): if this reply is lost,
-- nothing was written, and the daemon's next recover names the tag to put those jobs back at the head
-- of their lanes instead of ending them `unknown`.
-- Due scheduled jobs are promoted first; expired jobs end here as `expired`, never sent.
-- Marketing keeps a share (credit grows by maxParts*share per claim) so it is never starved.
-- Quiet hours are checked again here (a job queued at 20:59 may be claimed at 21:01): a job that
-- stored the recipient zone's UTC offsets ('qo', set by ingest when quiet hours apply) goes back to the
-- schedule until the window ends, with a `scheduled` event (reason quiet-hours). Expired jobs give
-- their frequency-cap count back.
-- OTP may take all maxParts; the classes below it together at most restParts (the rest of the window
-- is kept for OTP, carrier otpWindowSlots), so an OTP never waits for marketing to free a slot.
-- KEYS: 1 events, 2 inflight (this daemon's in-flight table), 3 lease (this daemon's), 4 sched, 5 lane:otp,
--   6 lane:transactional, 7 lane:marketing, 8 mcredit (4 to 8: the carrier's)
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>, cap:<capKey>
-- ARGV: 1 prefix, 2 lease token, 3 now ms, 4 maxParts, 5 marketingShare,
--       6 events (common.lua events_cap), 7 retentionMs, 8 promoteMax, 9 quiet start minute, 10 quiet end minute (of the local day),
--       11 restParts (default maxParts), 12 claim tag (unique among this daemon's claims since its last recover)
-- Returns: -1 when this daemon's lease is not held (it must write nothing), else a flat array
--   otpCount, id1, n1, bodies1, meta1, fixed1, id2, ... (bodies packed as common.lua k_body says; meta the
--   stored JSON text or ''; fixed a record's five fixed fields as stored, '' for a job kept as a hash; the
--   first otpCount jobs are OTP, so the daemon can settle their answers ahead of bulk ones). The daemon
--   hands n, meta and fixed back to settle, which then need not read the job.
--   Last, the jobs it ended expired (common.lua finals_reply).
local token, now = ARGV[2], tonumber(ARGV[3])
local max, share, maxlen, retention = tonumber(ARGV[4]), tonumber(ARGV[5]), events_cap(ARGV[6]), ARGV[7]
local promote_max = tonumber(ARGV[8])
local q_start, q_end = tonumber(ARGV[9] or 0), tonumber(ARGV[10] or 0)
local rest = math.min(max, tonumber(ARGV[11] or max))
local mark = 'S' .. (ARGV[12] or '')
local infl, sched, credit_key = KEYS[2], KEYS[4], KEYS[8]
local LANE = { otp = KEYS[5], transactional = KEYS[6], marketing = KEYS[7] }
if redis.call('GET', KEYS[3]) ~= token then return -1 end

-- Promote due scheduled jobs to the tail of their lane.
local due = redis.call('ZRANGEBYSCORE', sched, '-inf', now, 'LIMIT', 0, promote_max)
for _, id in ipairs(due) do
  redis.call('ZREM', sched, id)
  local f = job_get(id, 'st', 'cls')
  if f[1] == 'scheduled' then
    job_set(id, 'st', 'queued')
    redis.call('RPUSH', LANE[f[2]], id)
  end
end

-- The recipient zone's offset from UTC at instant `t`, from a job's `qo`: the offset at its send time,
-- then the zone's changes in the year after it as `minute,offset` pairs (minutes from the epoch;
-- src/care/zone-time.ts). A job claimed after a DST change is checked with the offset in force, not the
-- one at its send time.
local function zone_offset(qo, t)
  local t_min = math.floor(t / 60000)
  local c = string.find(qo, ',', 1, true)
  if not c then return tonumber(qo) end
  local off = tonumber(string.sub(qo, 1, c - 1))
  for at, o in string.gmatch(string.sub(qo, c + 1), '(%d+),(-?%d+)') do
    if t_min < tonumber(at) then break end
    off = tonumber(o)
  end
  return off
end

-- When quiet hours hold now for a recipient with this `qo`, the instant they end; nil when sending is
-- allowed now. Same rule as src/care/quiet-hours.ts isQuietMinute.
local function quiet_until(qo)
  if not qo or qo == '' or q_start == q_end then return nil end
  local off = zone_offset(qo, now)
  local m = (math.floor(now / 60000) + off) % 1440
  local quiet
  if q_start < q_end then quiet = m >= q_start and m < q_end else quiet = m >= q_start or m < q_end end
  if not quiet then return nil end
  local at = math.floor(now / 60000) * 60000 + ((q_end - m) % 1440) * 60000
  -- A change of offset before then moves the window's end on the wall clock: 08:00 stays 08:00 local.
  local later = zone_offset(qo, at)
  if later ~= off then at = at - (later - off) * 60000 end
  return at
end

local out, used = { 0 }, 0
local infl_fields = {}
local claimed = {} -- ids taken by this call

-- The head of a lane is read in slices (LRANGE) and trimmed once (LTRIM), not LINDEX + LPOP per job.
local function take(cls, budget)
  local lane = LANE[cls]
  local taken, popped = 0, 0
  local head, pos = {}, 1
  while taken < budget do
    if pos > #head then
      -- Each job has at least one part: budget - taken ids are enough unless some are stale.
      head = redis.call('LRANGE', lane, popped, popped + math.max(budget - taken, 8) - 1)
      pos = 1
      if #head == 0 then break end
    end
    local id, bodies = split_held(head[pos])
    local f, fixed
    local rec = redis.call('GET', k_rec(id))
    if rec then
      -- A record (common.lua job_get): one part, no quiet hours, no meta.
      local st, exp
      st, fixed, exp = string.match(rec, REC_CLAIM)
      f = { st, '1', exp ~= '' and exp, false, false }
    else
      recs[id] = false -- a hash (or nothing): job_get and job_write need not look again
      f = redis.call('HMGET', k_job(id), 'st', 'n', 'exp', 'qo', 'meta')
    end
    local n = tonumber(f[2] or 0)
    local exp = tonumber(f[3] or 0)
    local quiet_end = quiet_until(f[4])
    if f[1] ~= 'queued' or claimed[id] then
      pos = pos + 1; popped = popped + 1 -- stale entry (job gone, already handled, or a second entry of one taken now)
    elseif quiet_end and not (exp > 0 and exp <= now) then
      pos = pos + 1; popped = popped + 1
      local at = quiet_end
      keep_bodies(id, bodies)
      job_set(id, 'st', 'scheduled')
      redis.call('ZADD', sched, at, id)
      local ev = job_event(id, 'scheduled', now)
      ev.sendAt = at; ev.reason = 'quiet-hours'
      emit(ev, maxlen)
    elseif taken + n > budget and (taken > 0 or used > 0) then
      break -- keep all parts of a message in one claim; the next claim takes it
    else
      pos = pos + 1; popped = popped + 1
      if exp > 0 and exp <= now then
        if not bodies then drop_bodies(id) end
        release_cap(id)
        finish(id, 'expired', 'EXPIRED', 'the job expired before it could be sent', now, maxlen, retention)
      else
        -- The in-flight table alone says the job is claimed and by whom: the job keeps `queued` (a write per
        -- job less, about 2 µs of Redis's time; docs/BENCHMARKS-HISTORY.md, "Eleventh round"). A lane holds a
        -- job's entry only while it waits (ingest.lua replayed pushes none for a job in flight).
        claimed[id] = true
        -- The bodies move to the in-flight value (common.lua lane_entry): body:<id> is gone once claimed.
        if not bodies then
          bodies = read_bodies(id, n)
          drop_bodies(id)
        end
        infl_fields[#infl_fields + 1] = id
        infl_fields[#infl_fields + 1] = bodies and (mark .. ' ' .. bodies) or mark
        out[#out + 1] = id
        out[#out + 1] = n
        out[#out + 1] = bodies
        out[#out + 1] = f[5] or ''
        out[#out + 1] = fixed or ''
        taken = taken + n
        used = used + n
      end
    end
  end
  if popped > 0 then redis.call('LTRIM', lane, popped, -1) end
  return taken
end

local reserve = 0
-- No credit while restParts is 0: the OTP-only polls of a full window would pile it up.
if share > 0 and rest > 0 and redis.call('LLEN', LANE.marketing) > 0 then
  local credit = tonumber(redis.call('GET', credit_key) or 0) + max * share
  reserve = math.min(rest, math.floor(credit))
  redis.call('SET', credit_key, credit - reserve)
end
take('otp', max - reserve)
out[1] = math.floor((#out - 1) / 5)
local t = take('transactional', math.min(max - used, rest) - reserve)
local m = take('marketing', math.min(max - used, rest - t))
if m < reserve then redis.call('SET', credit_key, 0) end
if #infl_fields > 0 then redis.call('HSET', infl, unpack(infl_fields)) end
trim_events()
out[#out + 1] = finals_reply()
return out
