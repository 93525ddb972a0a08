-- requeue_dead: failed jobs (dead letters) back to queued, at the back of the line, with their
-- attempts given back so they get max_attempts new runs. Their last error stays until they run
-- again; their run number stays (it only ever grows: it is the fencing token).
-- KEYS[1] dead list         KEYS[2] pending list     KEYS[3] counts hash
-- ARGV[1] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- ARGV[2] one job id, or '' for the oldest dead letters
-- ARGV[3] at most this many (when ARGV[2] is ''): callers repeat until fewer come back
-- Returns how many jobs were requeued.
local function requeue(id)
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'status') ~= 'failed' then return 0 end
  redis.call('HSET', key, 'status', 'queued', 'attempts', 0)
  redis.call('HDEL', key, 'finished_at')
  redis.call('LPUSH', KEYS[2], id)
  redis.call('HINCRBY', KEYS[3], 'failed', -1)
  redis.call('HINCRBY', KEYS[3], 'queued', 1)
  return 1
end

if ARGV[2] ~= '' then
  if redis.call('LREM', KEYS[1], 1, ARGV[2]) == 0 then return 0 end
  return requeue(ARGV[2])
end
local requeued = 0
for _ = 1, tonumber(ARGV[3]) do
  local id = redis.call('RPOP', KEYS[1])  -- the oldest first
  if not id then break end
  requeued = requeued + requeue(id)
end
return requeued
