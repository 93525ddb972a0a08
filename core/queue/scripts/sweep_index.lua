-- sweep_index: the ids of jobs whose hash has expired leave the queue's index.
-- KEYS[1] index zset        KEYS[2] expiring zset (id -> unix ms its hash expires)
-- ARGV[1] now (unix ms)     ARGV[2] at most this many: callers repeat until fewer come back
-- Returns how many ids left.
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #gone == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(gone))
redis.call('ZREM', KEYS[2], unpack(gone))
return #gone
