-- enqueue: store a new job, then make it due now (pending) or later (scheduled).
-- KEYS[1] job hash          KEYS[2] pending list     KEYS[3] scheduled zset
-- KEYS[4] counts hash       KEYS[5] idempotency key (a key of the queue even when unused)
-- ARGV[1] id                ARGV[2] queue            ARGV[3] type
-- ARGV[4] payload (JSON)    ARGV[5] max_attempts     ARGV[6] timeout_ms ("" for none)
-- ARGV[7] idempotency key ("" for none)              ARGV[8] fingerprint (canonical JSON)
-- ARGV[9] now (unix ms)     ARGV[10] delay_ms        ARGV[11] idempotency TTL (ms)
-- ARGV[12] job key prefix of the queue (to read an earlier job by id; same slot)
-- ARGV[13] cap on waiting (queued + scheduled) jobs of the queue; 0: none
-- Returns {1, id} created; {0, earlier id} the key names an earlier job with the same
-- fingerprint; {-1, earlier id} the key names a job with another fingerprint; {-2, ''} the
-- queue is full (an idempotent repeat is answered first: it adds nothing).
local idem = ARGV[7]
if idem ~= '' then
  local earlier = redis.call('GET', KEYS[5])
  if earlier then
    local fingerprint = redis.call('HGET', ARGV[12] .. earlier, 'fingerprint')
    if fingerprint then
      if fingerprint == ARGV[8] then return {0, earlier} end
      return {-1, earlier}
    end
  end
end

local cap = tonumber(ARGV[13])
if cap > 0 then
  local waiting = redis.call('HMGET', KEYS[4], 'queued', 'scheduled')
  if tonumber(waiting[1] or '0') + tonumber(waiting[2] or '0') >= cap then return {-2, ''} end
end

local now = tonumber(ARGV[9])
local delay = tonumber(ARGV[10])
local status = 'queued'
if delay > 0 then status = 'scheduled' end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'queue', ARGV[2], 'type', ARGV[3],
  'payload', ARGV[4], 'status', status, 'attempts', 0, 'max_attempts', ARGV[5],
  'timeout_ms', ARGV[6], 'idempotency_key', idem, 'fingerprint', ARGV[8],
  'created_at', now, 'cancel_requested', 0)
if delay > 0 then
  redis.call('HSET', KEYS[1], 'run_at', now + delay)
  redis.call('ZADD', KEYS[3], now + delay, ARGV[1])
else
  redis.call('LPUSH', KEYS[2], ARGV[1])
end
redis.call('HINCRBY', KEYS[4], status, 1)
if idem ~= '' then
  redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[11])
end
return {1, ARGV[1]}
