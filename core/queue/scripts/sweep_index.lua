-- sweep_index: the ids of jobs whose hash has expired leave the queue's index.
-- KEYS[1] index zset
-- KEYS[2] expiring zset: members are job ids separated by spaces (the jobs one script run
--   ended together: complete.lua's batch, or one id), scored with the unix ms their hashes expire
-- ARGV[1] now (unix ms)     ARGV[2] at most this many members: callers repeat until fewer come back
-- ARGV[3] job key prefix of the queue (hashes are checked by id; same hash tag, same slot)
-- Returns how many members were taken.
-- An id whose hash still exists stays: its job ended again since (retried by hand), and a later
-- member names it, or none while it lives without a TTL.
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return 0 end
local gone = {}
local function drop_gone()  -- in bounded ZREMs: unpack has a limit
  if #gone > 0 then
    redis.call('ZREM', KEYS[1], unpack(gone))
    gone = {}
  end
end
for _, member in ipairs(due) do
  local ids, hashes = {}, {}
  for id in string.gmatch(member, '%S+') do
    ids[#ids + 1] = id
    hashes[#hashes + 1] = ARGV[3] .. id
  end
  -- One EXISTS for the lot: usually none is left, and then no id needs a look of its own.
  local any_left = #hashes > 0 and redis.call('EXISTS', unpack(hashes)) > 0
  for i, id in ipairs(ids) do
    if not any_left or redis.call('EXISTS', hashes[i]) == 0 then
      gone[#gone + 1] = id
      if #gone >= 1000 then drop_gone() end
    end
  end
end
drop_gone()
redis.call('ZREM', KEYS[2], unpack(due))
return #due
