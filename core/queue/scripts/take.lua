-- take: the claim of a worker that does not block. Moves the next due job id from pending into
-- the worker's processing list and activates it in one step, so an id can never be left in a
-- processing list unactivated. Ids of jobs cancelled while they waited are dropped on the way.
-- KEYS[1] pending list      KEYS[2] processing list of the worker    KEYS[3] counts hash
-- ARGV[1] worker id         ARGV[2] now (unix ms)    ARGV[3] lease (ms)
-- ARGV[4] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- Returns the job hash as a flat field/value array, or false when no due job is left. Its `run`
-- field (one more than the job's last run, never reused) is the run's fencing token.
for _ = 1, 1000 do
  local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not id then return false end
  local key = ARGV[4] .. id
  if redis.call('HGET', key, 'status') == 'queued' then
    redis.call('HINCRBY', key, 'attempts', 1)
    redis.call('HINCRBY', key, 'run', 1)
    redis.call('HSET', key, 'status', 'processing', 'started_at', ARGV[2], 'worker', ARGV[1],
      'lease_until', tonumber(ARGV[2]) + tonumber(ARGV[3]))
    redis.call('HINCRBY', KEYS[3], 'queued', -1)
    redis.call('HINCRBY', KEYS[3], 'processing', 1)
    return redis.call('HGETALL', key)
  end
  redis.call('LREM', KEYS[2], 1, id)
end
return false
