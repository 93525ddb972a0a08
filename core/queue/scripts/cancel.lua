-- cancel: end a queued or scheduled job at once; ask a running one to stop.
-- KEYS[1] job hash          KEYS[2] scheduled zset   KEYS[3] counts hash
-- KEYS[4] expiring zset (id -> unix ms its hash expires)
-- ARGV[1] id                ARGV[2] now (unix ms)    ARGV[3] result TTL (ms; 0 keeps it)
-- ARGV[4] done channel      ARGV[5] cancel channel (running jobs' workers listen there)
-- Returns 0 no such job, 1 cancelled, 2 it had already ended, 3 stop requested (running).
-- A queued job's id stays in the pending list; activate drops it when a worker reaches it.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 2 end
if status == 'processing' then
  redis.call('HSET', KEYS[1], 'cancel_requested', 1)
  redis.call('PUBLISH', ARGV[5], ARGV[1])
  return 3
end
if status == 'scheduled' then redis.call('ZREM', KEYS[2], ARGV[1]) end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[2])
redis.call('HDEL', KEYS[1], 'run_at')
redis.call('HINCRBY', KEYS[3], status, -1)
redis.call('HINCRBY', KEYS[3], 'cancelled', 1)
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('ZADD', KEYS[4], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
end
redis.call('PUBLISH', ARGV[4], ARGV[1])
return 1
