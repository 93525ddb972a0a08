-- promote: make scheduled jobs whose time has come due (delays and retry backoffs).
-- KEYS[1] scheduled zset    KEYS[2] pending list     KEYS[3] counts hash
-- KEYS[4] sleepers set
-- ARGV[1] now (unix ms)     ARGV[2] most jobs to move in this call
-- ARGV[3] job key prefix of the queue (job hashes are read by id; same hash tag, same slot)
-- Returns {how many ids left the scheduled set, the sleepers to wake (emptied, as enqueue.lua
-- does) when any job became due}.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local due = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local key = ARGV[3] .. id
  if redis.call('HGET', key, 'status') == 'scheduled' then
    redis.call('HSET', key, 'status', 'queued')
    redis.call('HDEL', key, 'run_at')
    redis.call('LPUSH', KEYS[2], id)
    redis.call('HINCRBY', KEYS[3], 'scheduled', -1)
    redis.call('HINCRBY', KEYS[3], 'queued', 1)
    due = due + 1
  end
end
local wake = {}
if due > 0 then
  wake = redis.call('SMEMBERS', KEYS[4])
  if #wake > 0 then redis.call('DEL', KEYS[4]) end
end
return {#ids, wake}
