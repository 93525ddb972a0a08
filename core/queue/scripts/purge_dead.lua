-- purge_dead: forget the oldest dead letters: their ids leave the dead list and their job
-- hashes are deleted. The `failed` count stays: those jobs did fail.
-- KEYS[1] dead list         KEYS[2] index zset (the ids leave it too)
-- ARGV[1] job key prefix of the queue (job hashes are named by id; same hash tag, same slot)
-- ARGV[2] at most this many: callers repeat until fewer come back
-- Returns the ids removed.
local removed = {}
for _ = 1, tonumber(ARGV[2]) do
  local id = redis.call('RPOP', KEYS[1])
  if not id then break end
  redis.call('DEL', ARGV[1] .. id)
  redis.call('ZREM', KEYS[2], id)
  removed[#removed + 1] = id
end
return removed
