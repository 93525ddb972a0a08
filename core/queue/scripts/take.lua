-- take: the claim that does not block, for up to N jobs at once. Moves due job ids from pending
-- into the worker's processing list and activates each in the same step, so an id can never be
-- left in a processing list unactivated. Ids of jobs cancelled while they waited are dropped on
-- the way. The ids move in bulk (RPOP with a count, one LPUSH), not one LMOVE each.
-- KEYS[1] pending list      KEYS[2] processing list of the worker    KEYS[3] counts hash
-- KEYS[4] the queue's paused marker
-- ARGV[1] worker id         ARGV[2] now (unix ms)    ARGV[3] lease (ms)
-- ARGV[4] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- ARGV[5] at most this many jobs
-- ARGV[6] changed channel (ids of jobs whose record changed: one message for the batch, for
--   WebSocket followers)
-- Returns -1 when the queue is paused; else one flat array, empty when no due job is left, of
-- 12 values per job taken, in this order: id, attempts, run, type, payload, max_attempts,
-- timeout_ms, idempotency_key, created_at, cancel_requested, lost_at ('' for none), awaited.
-- What the caller sent (queue, worker, now) is not sent back. `run` (one more than the job's
-- last run, never reused) is that run's fencing token.
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local wanted = tonumber(ARGV[5])
local now = ARGV[2]
-- Numbers become text once, by %d: Redis would format a Lua number argument with %.17g.
local lease_until = string.format('%d', tonumber(now) + tonumber(ARGV[3]))
local taken = {}  -- the reply: 11 values per job
local moved = {}  -- the ids taken: pushed into the processing list in one command, announced
local skipped = 0
while #moved < wanted and skipped <= 1000 do  -- at most ~1000 ids of cancelled jobs per call
  -- The oldest due ids, in one command: the script runs whole, so popping them here and
  -- pushing them into the processing list below is as atomic as one LMOVE per id.
  local ids = redis.call('RPOP', KEYS[1], wanted - #moved)
  if not ids then break end
  for _, id in ipairs(ids) do
    local key = ARGV[4] .. id
    -- The fields a worker needs, read once: they serve the check, the counters and the reply
    -- (patched to what the HSET writes), so a job costs two commands and its share of two.
    local f = redis.call('HMGET', key, 'status', 'attempts', 'run', 'type', 'payload',
      'max_attempts', 'timeout_ms', 'idempotency_key', 'created_at', 'cancel_requested', 'lost_at',
      'awaited')
    if f[1] == 'queued' then
      local attempts = string.format('%d', tonumber(f[2] or '0') + 1)
      local run = string.format('%d', tonumber(f[3] or '0') + 1)
      redis.call('HSET', key, 'status', 'processing', 'attempts', attempts, 'run', run,
        'started_at', now, 'worker', ARGV[1], 'lease_until', lease_until, 'renewed_at', now)
      local n = #taken
      taken[n + 1] = id
      taken[n + 2] = attempts
      taken[n + 3] = run
      taken[n + 4] = f[4] or ''
      taken[n + 5] = f[5] or ''
      taken[n + 6] = f[6] or ''
      taken[n + 7] = f[7] or ''
      taken[n + 8] = f[8] or ''
      taken[n + 9] = f[9] or ''
      taken[n + 10] = f[10] or '0'
      taken[n + 11] = f[11] or ''
      taken[n + 12] = f[12] or ''
      moved[#moved + 1] = id
      if f[11] then redis.call('HDEL', key, 'lost_at') end
    else
      skipped = skipped + 1  -- a job cancelled while it waited: its id just goes
    end
  end
end
if #moved > 0 then redis.call('LPUSH', KEYS[2], unpack(moved)) end
if #moved > 0 then
  redis.call('HINCRBY', KEYS[3], 'queued', -#moved)
  redis.call('HINCRBY', KEYS[3], 'processing', #moved)
  redis.call('PUBLISH', ARGV[6], table.concat(moved, ' '))  -- the ids taken, in order
end
return taken
