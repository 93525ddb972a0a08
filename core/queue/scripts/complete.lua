-- complete: runs that succeeded, one or many of one queue: store each result, take the job out
-- of its worker's processing list, let it expire, and announce it. Many runs in one call is how
-- a busy worker acknowledges: one script run for the lot.
-- KEYS[1] counts hash
-- KEYS[2] expiring zset (ids separated by spaces -> unix ms their hashes expire): the batch's
--   ids go in as one member, one sorted-set insert for the lot
-- then, for run i (from 0): KEYS[3 + 2i] its job hash, KEYS[4 + 2i] its worker's processing list
-- ARGV[1] now (unix ms)     ARGV[2] result TTL (ms; 0 keeps it)      ARGV[3] done channel
-- then, for run i, 5 values from ARGV[4 + 5i]: id, worker id, run (the fencing token),
--   result (JSON), note ('1': a request waits for the job's end, so announce a note)
-- Publishes on the done channel the ids of the runs recorded, separated by spaces; then, when
-- any of them has a note, ' \n' and one line per id: its note, or nothing. A note tells what the
-- run changed, for a reader that knows the job otherwise (end_note.hpp): "attempts started_at
-- finished_at worker result" (unix ms; the result JSON last). Only runs asked for one get one
-- (reading what a note needs costs Redis more than a run nobody waits for is worth), and not
-- when the hash holds a field that the note does not cover (an earlier run's error, progress,
-- a cancel request, a due time), or the result is over 2 KiB. The space before the newline
-- keeps the last id apart for a reader that splits on spaces only.
-- Returns, per run, 1 when recorded, 0 when refused: the job is no longer that run's (another
-- worker took it over, or it already ended), so the late result is dropped.
local ttl = tonumber(ARGV[2])
-- One text for the batch: Redis would format a Lua number argument with %.17g for each job.
local expires_at = string.format('%d', tonumber(ARGV[1]) + ttl)
local out = {}
local done = {}
local expiring = {}
local notes = {}
local any_note = false
local completed = 0
for i = 0, (#KEYS - 2) / 2 - 1 do
  local key, processing = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
  local a = 4 + 5 * i
  local id = ARGV[a]
  local wants_note = ARGV[a + 4] == '1'
  local job
  if wants_note then
    job = redis.call('HMGET', key, 'status', 'worker', 'run', 'error', 'progress',
      'cancel_requested', 'run_at', 'attempts', 'started_at')
  else
    job = redis.call('HMGET', key, 'status', 'worker', 'run')
  end
  if job[1] ~= 'processing' or job[2] ~= ARGV[a + 1] or job[3] ~= ARGV[a + 2] then
    out[#out + 1] = 0
  else
    redis.call('HSET', key, 'status', 'completed', 'result', ARGV[a + 3], 'finished_at', ARGV[1],
      'lease_until', '')
    -- From the tail: ids enter at the head, so the oldest run, usually the one ending, is last.
    redis.call('LREM', processing, -1, id)
    if ttl > 0 then
      redis.call('PEXPIRE', key, ARGV[2])
      expiring[#expiring + 1] = id
    end
    completed = completed + 1
    done[completed] = id
    local worker, result = ARGV[a + 1], ARGV[a + 3]
    local note = ''
    if wants_note and not (job[4] or job[5] or job[7]) and (job[6] or '0') == '0'
        and job[8] and job[9]
        and #result <= 2048 and not string.find(result, '\n', 1, true)
        and not string.find(worker, '[ \n]') then
      note = job[8] .. ' ' .. job[9] .. ' ' .. ARGV[1] .. ' ' .. worker .. ' ' .. result
      any_note = true
    end
    notes[completed] = note
    out[#out + 1] = 1
  end
end
if #expiring > 0 then redis.call('ZADD', KEYS[2], expires_at, table.concat(expiring, ' ')) end
if completed > 0 then
  redis.call('HINCRBY', KEYS[1], 'processing', -completed)
  redis.call('HINCRBY', KEYS[1], 'completed', completed)
  -- One message for the lot.
  local message = table.concat(done, ' ')
  if any_note then message = message .. ' \n' .. table.concat(notes, '\n') end
  redis.call('PUBLISH', ARGV[3], message)
end
return out
