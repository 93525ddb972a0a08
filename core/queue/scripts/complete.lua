-- complete: runs that succeeded, one or many of one queue: store each result, take the job out
-- of its worker's processing list, let it expire, and announce it. Many runs in one call is how
-- a busy worker acknowledges: one script run for the lot.
-- KEYS[1] counts hash       KEYS[2] expiring zset (id -> unix ms its hash expires)
-- then, for run i (from 0): KEYS[3 + 2i] its job hash, KEYS[4 + 2i] its worker's processing list
-- ARGV[1] now (unix ms)     ARGV[2] result TTL (ms; 0 keeps it)      ARGV[3] done channel
-- then, for run i, 4 values from ARGV[4 + 4i]: id, worker id, run (the fencing token),
--   result (JSON)
-- Returns, per run, 1 when recorded, 0 when refused: the job is no longer that run's (another
-- worker took it over, or it already ended), so the late result is dropped.
local ttl = tonumber(ARGV[2])
-- One text for the batch: Redis would format a Lua number argument with %.17g for each job.
local expires_at = string.format('%d', tonumber(ARGV[1]) + ttl)
local out = {}
local done = {}
local expiring = {}
local completed = 0
for i = 0, (#KEYS - 2) / 2 - 1 do
  local key, processing = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
  local a = 4 + 4 * i
  local id = ARGV[a]
  local job = redis.call('HMGET', key, 'status', 'worker', 'run')
  if job[1] ~= 'processing' or job[2] ~= ARGV[a + 1] or job[3] ~= ARGV[a + 2] then
    out[#out + 1] = 0
  else
    redis.call('HSET', key, 'status', 'completed', 'result', ARGV[a + 3], 'finished_at', ARGV[1],
      'lease_until', '')
    -- From the tail: ids enter at the head, so the oldest run, usually the one ending, is last.
    redis.call('LREM', processing, -1, id)
    if ttl > 0 then
      redis.call('PEXPIRE', key, ARGV[2])
      expiring[#expiring + 1] = expires_at
      expiring[#expiring + 1] = id
    end
    completed = completed + 1
    done[completed] = id
    out[#out + 1] = 1
  end
end
if #expiring > 0 then redis.call('ZADD', KEYS[2], unpack(expiring)) end
if completed > 0 then
  redis.call('HINCRBY', KEYS[1], 'processing', -completed)
  redis.call('HINCRBY', KEYS[1], 'completed', completed)
  -- One message for the lot: the ids, separated by spaces.
  redis.call('PUBLISH', ARGV[3], table.concat(done, ' '))
end
return out
