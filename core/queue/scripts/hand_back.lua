-- hand_back: a stopping worker gives back a run it will not finish. The job is due again at
-- the due end of pending and the cut-off run is not counted as an attempt: the shutdown cut it
-- off, not the job. A job whose cancel was asked for ends cancelled instead.
-- KEYS[1] job hash          KEYS[2] processing list of the worker    KEYS[3] pending list
-- KEYS[4] counts hash       KEYS[5] expiring zset (id -> unix ms its hash expires)
-- ARGV[1] id                ARGV[2] worker id        ARGV[3] run (fencing token)
-- ARGV[4] now (unix ms)     ARGV[5] result TTL (ms; for a cancelled job)
-- ARGV[6] done channel
-- Returns 0 refused (not this run's job any more), 1 handed back, 3 cancelled.
-- The attempt is given back; the run number is not (run numbers are never reused).
local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'run', 'cancel_requested')
if job[1] ~= 'processing' or job[2] ~= ARGV[2] or job[3] ~= ARGV[3] then return 0 end
redis.call('LREM', KEYS[2], 1, ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_until')
redis.call('HINCRBY', KEYS[4], 'processing', -1)
if job[4] == '1' then
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[4])
  redis.call('HINCRBY', KEYS[4], 'cancelled', 1)
  if tonumber(ARGV[5]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
    redis.call('ZADD', KEYS[5], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[1])
  end
  redis.call('PUBLISH', ARGV[6], ARGV[1])
  return 3
end
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
redis.call('HDEL', KEYS[1], 'worker', 'started_at')
redis.call('HSET', KEYS[1], 'status', 'queued')
redis.call('HINCRBY', KEYS[4], 'queued', 1)
redis.call('RPUSH', KEYS[3], ARGV[1])
return 1
