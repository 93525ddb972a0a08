-- extend: a live worker renews the leases of the jobs it is running in one queue (its
-- heartbeat), all in one call.
-- KEYS[i] job hash of run i
-- ARGV[1] worker id         ARGV[2] now (unix ms)    ARGV[3] lease (ms)
-- ARGV[3 + i] run i's run number (its fencing token)
-- Returns, per run, 1 renewed, or 0 when the run no longer holds the job (recovered,
-- cancelled, ended): the worker should stop it, as its outcome will be refused.
local lease_until = tonumber(ARGV[2]) + tonumber(ARGV[3])
local out = {}
for i = 1, #KEYS do
  local job = redis.call('HMGET', KEYS[i], 'status', 'worker', 'run')
  if job[1] ~= 'processing' or job[2] ~= ARGV[1] or job[3] ~= ARGV[3 + i] then
    out[i] = 0
  else
    redis.call('HSET', KEYS[i], 'lease_until', lease_until, 'renewed_at', ARGV[2])
    out[i] = 1
  end
end
return out
