-- activate: a worker moved a job id from pending into its processing list (LMOVE/BLMOVE);
-- mark the job processing for that worker, count the attempt, record the lease.
-- KEYS[1] job hash          KEYS[2] processing list of the worker    KEYS[3] counts hash
-- KEYS[4] pending list      KEYS[5] the queue's paused marker
-- ARGV[1] id                ARGV[2] worker id        ARGV[3] now (unix ms)
-- ARGV[4] lease (ms)         ARGV[5] changed channel (the id is published: its record changed)
-- Returns the job hash as a flat field/value array (its `run` field is the run's fencing token),
-- or false when the job is gone or no
-- longer queued (it was cancelled while it waited; its id then leaves the processing list),
-- or when the id is no longer in the processing list (release.lua put it back meanwhile), or
-- when the queue was paused meanwhile (the id goes back to pending).
if not redis.call('LPOS', KEYS[2], ARGV[1]) then return false end
if redis.call('EXISTS', KEYS[5]) == 1 then
  -- Paused while the worker waited: the id goes back where it was, at the due end.
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  redis.call('RPUSH', KEYS[4], ARGV[1])
  return false
end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'queued' then
  redis.call('LREM', KEYS[2], 1, ARGV[1])
  return false
end
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
redis.call('HINCRBY', KEYS[1], 'run', 1)
redis.call('HSET', KEYS[1], 'status', 'processing', 'started_at', ARGV[3], 'worker', ARGV[2],
  'lease_until', tonumber(ARGV[3]) + tonumber(ARGV[4]), 'renewed_at', ARGV[3])
redis.call('HINCRBY', KEYS[3], 'queued', -1)
redis.call('HINCRBY', KEYS[3], 'processing', 1)
redis.call('PUBLISH', ARGV[5], ARGV[1])
local hash = redis.call('HGETALL', KEYS[1])
redis.call('HDEL', KEYS[1], 'lost_at')  -- reported once, with this run
return hash
