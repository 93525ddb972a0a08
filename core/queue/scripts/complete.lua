-- complete: the run succeeded; store the result and announce it.
-- KEYS[1] job hash          KEYS[2] processing list of the worker    KEYS[3] counts hash
-- ARGV[1] id                ARGV[2] worker id        ARGV[3] run (the run's fencing token)
-- ARGV[4] result (JSON)     ARGV[5] now (unix ms)    ARGV[6] result TTL (ms; 0 keeps it)
-- ARGV[7] done channel
-- Returns 1 when recorded; 0 when refused: the job is no longer this run's (another worker
-- took it over, or it already ended), so the late result is dropped.
local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'run')
if job[1] ~= 'processing' or job[2] ~= ARGV[2] or job[3] ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'completed', 'result', ARGV[4], 'finished_at', ARGV[5])
redis.call('HDEL', KEYS[1], 'lease_until')
redis.call('LREM', KEYS[2], 1, ARGV[1])
redis.call('HINCRBY', KEYS[3], 'processing', -1)
redis.call('HINCRBY', KEYS[3], 'completed', 1)
if tonumber(ARGV[6]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
redis.call('PUBLISH', ARGV[7], ARGV[1])
return 1
