-- enqueue: store new jobs of one queue (one or many), each made due now (pending) or later
-- (scheduled). A batch is one call: one round trip and one script run for all of its jobs.
-- KEYS[1] pending list      KEYS[2] scheduled zset   KEYS[3] counts hash
-- KEYS[4] sleepers set (workers of several queues waiting to be woken)
-- KEYS[5] index zset (every job id of the queue, score 0: ordered by id, so by age)
-- then, for job i (from 0): KEYS[6 + 2i] its hash, KEYS[7 + 2i] its idempotency key (a key
--   of the queue even when unused)
-- ARGV[1] queue             ARGV[2] now (unix ms)    ARGV[3] idempotency TTL (ms)
-- ARGV[4] job key prefix of the queue (to read an earlier job by id; same slot)
-- ARGV[5] cap on waiting (queued + scheduled) jobs of the queue; 0: none
-- then, for job i, 9 values from ARGV[6 + 9i]: id, type, payload (JSON), max_attempts,
--   timeout_ms ("" for none), idempotency key ("" for none), fingerprint (canonical JSON of
--   the submission; stored only with an idempotency key), delay_ms, awaited ('1' when a
--   request waits for its end: complete.lua then announces a note on the run)
-- Returns, per job, two values: 1, id: created; 0, earlier id: its key names an earlier job
-- with the same fingerprint; -1, earlier id: its key names a job with another fingerprint;
-- -2, '': the queue is full (an idempotent repeat is answered first: it adds nothing).
-- Then one more element: the ids of the sleepers to wake (when a job became due), an array;
-- the set is emptied, and each woken worker adds itself again when it next sleeps. Waking is
-- the caller's part: each worker's wake list lives in its own slot.
-- Numbers reach redis.call as text made once: Redis formats a Lua number with printf's %.17g,
-- which costs more than the command it is an argument of.
local now = tonumber(ARGV[2])
local cap = tonumber(ARGV[5])
local waiting = 0
if cap > 0 then
  local counts = redis.call('HMGET', KEYS[3], 'queued', 'scheduled')
  waiting = tonumber(counts[1] or '0') + tonumber(counts[2] or '0')
end
local added = {queued = 0, scheduled = 0}
local out = {}
local jobs = (#KEYS - 5) / 2
local indexed = {}
-- Ids due now, pushed onto pending in one LPUSH after the loop, in the order given (as one
-- LPUSH each would): a command per batch, not per job.
local due = {}
for i = 0, jobs - 1 do
  local key, idem_key = KEYS[6 + 2 * i], KEYS[7 + 2 * i]
  local a = 6 + 9 * i
  local id, idem, fingerprint = ARGV[a], ARGV[a + 5], ARGV[a + 6]
  local answered = false
  if idem ~= '' then
    local earlier = redis.call('GET', idem_key)
    if earlier then
      local earlier_fingerprint = redis.call('HGET', ARGV[4] .. earlier, 'fingerprint')
      if earlier_fingerprint then
        out[#out + 1] = (earlier_fingerprint == fingerprint) and 0 or -1
        out[#out + 1] = earlier
        answered = true
      end
    end
  end
  if not answered and cap > 0 and waiting >= cap then
    out[#out + 1] = -2
    out[#out + 1] = ''
    answered = true
  end
  if not answered then
    local delay = tonumber(ARGV[a + 7])
    local status = 'queued'
    if delay > 0 then status = 'scheduled' end
    -- Fields at their default are left out (readers take absent as such: attempts 0, no
    -- timeout, no idempotency key, no cancel requested, not awaited): a smaller hash, a
    -- cheaper HSET. One HSET either way: the fields given as they are when there is nothing
    -- more, else gathered in a table.
    local run_at
    if delay > 0 then run_at = string.format('%d', now + delay) end
    local timeout, awaited = ARGV[a + 4], ARGV[a + 8] == '1'
    if timeout == '' and idem == '' and not awaited and not run_at then
      redis.call('HSET', key, 'id', id, 'queue', ARGV[1], 'type', ARGV[a + 1],
        'payload', ARGV[a + 2], 'status', status, 'max_attempts', ARGV[a + 3],
        'created_at', ARGV[2])
    else
      local f = {'id', id, 'queue', ARGV[1], 'type', ARGV[a + 1], 'payload', ARGV[a + 2],
        'status', status, 'max_attempts', ARGV[a + 3], 'created_at', ARGV[2]}
      if timeout ~= '' then f[#f + 1] = 'timeout_ms'; f[#f + 1] = timeout end
      if idem ~= '' then
        f[#f + 1] = 'idempotency_key'; f[#f + 1] = idem
        f[#f + 1] = 'fingerprint'; f[#f + 1] = fingerprint
      end
      if awaited then f[#f + 1] = 'awaited'; f[#f + 1] = '1' end
      if run_at then f[#f + 1] = 'run_at'; f[#f + 1] = run_at end
      redis.call('HSET', key, unpack(f))
    end
    if delay > 0 then
      redis.call('ZADD', KEYS[2], run_at, id)
    else
      due[#due + 1] = id
    end
    added[status] = added[status] + 1
    waiting = waiting + 1
    if idem ~= '' then redis.call('SET', idem_key, id, 'PX', ARGV[3]) end
    indexed[#indexed + 1] = '0'
    indexed[#indexed + 1] = id
    out[#out + 1] = 1
    out[#out + 1] = id
  end
end
if #due > 0 then redis.call('LPUSH', KEYS[1], unpack(due)) end
if #indexed > 0 then redis.call('ZADD', KEYS[5], unpack(indexed)) end
if added.queued > 0 then redis.call('HINCRBY', KEYS[3], 'queued', added.queued) end
if added.scheduled > 0 then redis.call('HINCRBY', KEYS[3], 'scheduled', added.scheduled) end
local wake = {}
if added.queued > 0 then
  wake = redis.call('SMEMBERS', KEYS[4])
  if #wake > 0 then redis.call('DEL', KEYS[4]) end
end
out[#out + 1] = wake
return out
