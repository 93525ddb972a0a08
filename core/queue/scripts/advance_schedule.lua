-- advance_schedule: the claim of a schedule's tick. Every process that finds the tick due may
-- submit its job (the idempotency key of the tick makes that one job); the one whose
-- compare-and-set of the next tick succeeds records it, the others are told they came second.
-- KEYS[1] schedule hash
-- ARGV[1] the next tick expected (unix ms, as read)   ARGV[2] the new next tick ('' for none)
-- ARGV[3] the tick fired ('' for none)                ARGV[4] the job it submitted
-- Returns 1 when advanced, 0 when the next tick was no longer the one expected (another
-- process advanced it, or the schedule was edited, paused or deleted).
local next_at = redis.call('HGET', KEYS[1], 'next_at')
if next_at ~= ARGV[1] or redis.call('HGET', KEYS[1], 'paused') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'next_at', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'last_fired_at', ARGV[3], 'last_job_id', ARGV[4]) end
return 1
