-- purge-dead: drop dead letters and the bodies kept to send them again. The failed jobs' hashes and
-- events stay (the hash until retentionMs); only the way to retry them goes.
-- KEYS: 1 dead
-- Built here from the key prefix (ARGV 1): job:<id> or jr:<id>, body:<id>
-- ARGV: 1 prefix, 2.. dead letter ids
-- Returns: how many of them were in the dead set
local dead = KEYS[1]
local removed = 0
for a = 2, #ARGV do
  if redis.call('ZREM', dead, ARGV[a]) == 1 then
    drop_dead_bodies(ARGV[a])
    removed = removed + 1
  end
end
return removed
