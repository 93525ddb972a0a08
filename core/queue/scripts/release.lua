-- release: tidy a worker's processing list before it claims, and after a claim that failed
-- half way (a BLMOVE whose reply was lost moves the id all the same). Ids of jobs still
-- queued go back to the due end of pending; ids of jobs that are gone or ended leave the list.
-- Jobs this worker is really running (status processing) stay.
-- KEYS[1] processing list of the worker              KEYS[2] pending list
-- ARGV[1] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- Returns how many ids went back to pending.
local returned = 0
for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local status = redis.call('HGET', ARGV[1] .. id, 'status')
  if status ~= 'processing' then
    redis.call('LREM', KEYS[1], 1, id)
    if status == 'queued' then
      redis.call('RPUSH', KEYS[2], id)
      returned = returned + 1
    end
  end
end
return returned
