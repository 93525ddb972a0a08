-- progress: a running job's handler reports how far it got; kept in the job record.
-- KEYS[1] job hash
-- ARGV[1] worker id         ARGV[2] run (the run's fencing token)   ARGV[3] progress (JSON)
-- ARGV[4] changed channel    ARGV[5] the job's id (published there: its record changed)
-- Returns 1 stored; 0 refused (the run no longer holds the job).
local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'run')
if job[1] ~= 'processing' or job[2] ~= ARGV[1] or job[3] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'progress', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
