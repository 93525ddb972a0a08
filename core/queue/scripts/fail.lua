-- fail: the run failed (or stopped on a cancel request). Retry after a delay while attempts
-- remain, else end the job as failed and keep it in the dead letters; a job whose cancel was
-- requested ends cancelled and is never retried.
-- KEYS[1] job hash          KEYS[2] processing list of the worker    KEYS[3] scheduled zset
-- KEYS[4] dead list         KEYS[5] counts hash
-- KEYS[6] expiring zset (id -> unix ms its hash expires)
-- ARGV[1] id                ARGV[2] worker id        ARGV[3] run (fencing token)
-- ARGV[4] error             ARGV[5] now (unix ms)    ARGV[6] retry delay (ms; -1: no retry)
-- ARGV[7] result TTL (ms; for a cancelled job)       ARGV[8] done channel
-- ARGV[9] 'fail' or 'cancelled' (the handler stopped on a cancel request)
-- ARGV[10] changed channel (a retry scheduled is a change of the record, not an end)
-- Returns 0 refused (not this run's job any more), 1 retry scheduled, 2 failed, 3 cancelled.
local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'attempts', 'max_attempts',
  'cancel_requested', 'run')
if job[1] ~= 'processing' or job[2] ~= ARGV[2] or job[6] ~= ARGV[3] then return 0 end
redis.call('LREM', KEYS[2], 1, ARGV[1])
redis.call('HDEL', KEYS[1], 'lease_until')
redis.call('HINCRBY', KEYS[5], 'processing', -1)
if ARGV[9] ~= 'cancelled' then redis.call('HSET', KEYS[1], 'error', ARGV[4]) end

local now = tonumber(ARGV[5])
local status
if ARGV[9] == 'cancelled' or job[5] == '1' then
  status = 'cancelled'
elseif tonumber(job[3]) < tonumber(job[4]) and tonumber(ARGV[6]) >= 0 then
  local due = now + tonumber(ARGV[6])
  redis.call('HSET', KEYS[1], 'status', 'scheduled', 'run_at', due)
  redis.call('ZADD', KEYS[3], due, ARGV[1])
  redis.call('HINCRBY', KEYS[5], 'scheduled', 1)
  redis.call('PUBLISH', ARGV[10], ARGV[1])
  return 1
else
  status = 'failed'
  redis.call('LPUSH', KEYS[4], ARGV[1])
end
redis.call('HSET', KEYS[1], 'status', status, 'finished_at', now)
redis.call('HINCRBY', KEYS[5], status, 1)
-- Failed jobs stay (dead letters wait for an admin); cancelled ones expire like results.
if status == 'cancelled' and tonumber(ARGV[7]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  redis.call('ZADD', KEYS[6], now + tonumber(ARGV[7]), ARGV[1])
end
redis.call('PUBLISH', ARGV[8], ARGV[1])
if status == 'cancelled' then return 3 end
return 2
