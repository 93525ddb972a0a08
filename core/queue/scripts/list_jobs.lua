-- list_jobs: one page of the job browser for one queue: the jobs below a cursor, newest first,
-- that match a status and a type. Reads at most ARGV[5] ids, so a rare status costs a bounded
-- amount of work per call; ids whose hash has expired are skipped.
-- KEYS[1] index zset (every job id of the queue, score 0: ordered by id, so by age)
-- ARGV[1] job key prefix of the queue (job hashes are named by id; same hash tag, same slot)
-- ARGV[2] cursor: list ids below this one ('' for the newest)
-- ARGV[3] status to match ('' for any)      ARGV[4] type to match ('' for any)
-- ARGV[5] ids to read at most               ARGV[6] matches to return at most
-- Returns {last id read ('' when the oldest was reached), {hash fields of match 1}, ...}.
local top = '+'
if ARGV[2] ~= '' then top = '(' .. ARGV[2] end
local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], top, '-', 'LIMIT', 0, tonumber(ARGV[5]))
local out = {''}
local wanted = tonumber(ARGV[6])
for i, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local head = redis.call('HMGET', key, 'status', 'type')
  if head[1] and (ARGV[3] == '' or head[1] == ARGV[3]) and (ARGV[4] == '' or head[2] == ARGV[4]) then
    out[#out + 1] = redis.call('HGETALL', key)
    if #out - 1 == wanted then
      out[1] = id
      return out
    end
  end
end
if #ids == tonumber(ARGV[5]) then out[1] = ids[#ids] end
return out
