-- release: tidy a worker's processing list after a claim whose reply was lost (the connection
-- dropped, Redis restarted): the claim may have taken effect all the same. Ids of jobs still
-- queued (a BLMOVE that moved but was never activated) go back to the due end of pending; jobs
-- processing for this worker in a run this process does not hold (a take.lua or activate.lua
-- whose reply never came) go back too, queued, their attempt given back; ids of jobs that are
-- gone or ended leave the list. Runs the process really holds stay.
-- KEYS[1] processing list of the worker              KEYS[2] pending list
-- KEYS[3] counts hash
-- ARGV[1] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- ARGV[2] worker id         ARGV[3...] ids of the runs this process holds
-- Returns how many ids went back to pending.
local held = {}
for i = 3, #ARGV do held[ARGV[i]] = true end
local returned = 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  local job = redis.call('HMGET', key, 'status', 'worker')
  if job[1] == 'queued' then
    redis.call('LREM', KEYS[1], 1, id)
    redis.call('RPUSH', KEYS[2], id)
    returned = returned + 1
  elseif job[1] == 'processing' and job[2] == ARGV[2] then
    if not held[id] then
      redis.call('LREM', KEYS[1], 1, id)
      redis.call('HINCRBY', key, 'attempts', -1)
      redis.call('HSET', key, 'status', 'queued')
      redis.call('HDEL', key, 'worker', 'started_at', 'lease_until')
      redis.call('HINCRBY', KEYS[3], 'processing', -1)
      redis.call('HINCRBY', KEYS[3], 'queued', 1)
      redis.call('RPUSH', KEYS[2], id)
      returned = returned + 1
    end
  else
    redis.call('LREM', KEYS[1], 1, id)
  end
end
return returned
