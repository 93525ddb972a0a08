-- recover: give back the jobs of one worker's processing list whose run is lost: every one
-- when the worker is dead (no heartbeat), else those whose lease expired. A recovered job
-- goes to the due end of pending, or to the dead letters when it has no attempts left. Its
-- attempt stays counted (a crash costs an attempt); the lost run is fenced off because the
-- next run gets a new run number. Ids of jobs that ended or moved on leave the list.
-- KEYS[1] processing list of the worker              KEYS[2] pending list
-- KEYS[3] dead list         KEYS[4] counts hash      KEYS[5] workers set of the queue
-- ARGV[1] worker id         ARGV[2] now (unix ms)    ARGV[3] '1' when the worker is dead
-- ARGV[4] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- ARGV[5] done channel
-- A dead worker whose list is left empty is forgotten (it registers again if it comes back).
-- Returns {jobs made due again, jobs sent to the dead letters}.
local now = tonumber(ARGV[2])
local requeued, buried = 0, 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[4] .. id
  local job = redis.call('HMGET', key, 'status', 'worker', 'lease_until', 'attempts',
    'max_attempts', 'cancel_requested', 'renewed_at', 'started_at')
  if job[1] == 'queued' then
    -- Moved by a BLMOVE and not activated: a live worker is about to activate it (or tidies it
    -- itself after a lost reply, release.lua), so it is left alone; a dead worker's goes back,
    -- due again at once (still counted queued).
    if ARGV[3] == '1' then
      redis.call('LREM', KEYS[1], 1, id)
      redis.call('RPUSH', KEYS[2], id)
      requeued = requeued + 1
    end
  elseif job[1] ~= 'processing' or job[2] ~= ARGV[1] then
    redis.call('LREM', KEYS[1], 1, id)
  elseif ARGV[3] == '1' or tonumber(job[3] or '0') < now then
    redis.call('LREM', KEYS[1], 1, id)
    redis.call('HDEL', key, 'lease_until')
    redis.call('HINCRBY', KEYS[4], 'processing', -1)
    if job[6] == '1' then
      redis.call('HSET', key, 'status', 'cancelled', 'finished_at', now)
      redis.call('HINCRBY', KEYS[4], 'cancelled', 1)
      redis.call('PUBLISH', ARGV[5], id)
    elseif tonumber(job[4]) >= tonumber(job[5]) then
      redis.call('HSET', key, 'status', 'failed', 'finished_at', now,
        'error', 'lost: the worker running it died or its lease expired')
      redis.call('LPUSH', KEYS[3], id)
      redis.call('HINCRBY', KEYS[4], 'failed', 1)
      redis.call('PUBLISH', ARGV[5], id)
      buried = buried + 1
    else
      -- The run's last sign of life (its last lease renewal, or its start): the time from then
      -- to the next run's start is the recovery time.
      redis.call('HSET', key, 'status', 'queued',
        'error', 'lost: the worker running it died or its lease expired',
        'lost_at', job[7] or job[8] or ARGV[2])
      redis.call('RPUSH', KEYS[2], id)
      redis.call('HINCRBY', KEYS[4], 'queued', 1)
      requeued = requeued + 1
    end
  end
end
if ARGV[3] == '1' and redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[5], ARGV[1])
end
return {requeued, buried}
