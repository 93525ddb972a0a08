-- extend: a live worker renews the lease of a job it is running (its heartbeat).
-- KEYS[1] job hash
-- ARGV[1] worker id         ARGV[2] run (the run's fencing token)
-- ARGV[3] now (unix ms)     ARGV[4] lease (ms)
-- Returns 1 renewed; 0 when the run no longer holds the job (recovered, cancelled, ended):
-- the worker should stop it, as its outcome will be refused.
local job = redis.call('HMGET', KEYS[1], 'status', 'worker', 'run')
if job[1] ~= 'processing' or job[2] ~= ARGV[1] or job[3] ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'lease_until', tonumber(ARGV[3]) + tonumber(ARGV[4]),
  'renewed_at', ARGV[3])
return 1
