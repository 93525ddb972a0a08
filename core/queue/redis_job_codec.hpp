#pragma once
// A job as the Redis broker stores it: one hash per job, every value a string; times are unix
// milliseconds, payload and result JSON text. Field names: see docs/redis-keys.md.

#include <optional>
#include <span>
#include <string>

#include "core/job/job.hpp"
#include "core/redis/resp_value.hpp"

namespace coqueue {

// From an HGETALL reply (a RESP3 map) or a script's flat field/value array. Nothing for an empty
// or malformed reply.
std::optional<Job> job_from_redis_hash(const redis::RespValue& reply);
// One field of such a reply; empty when absent.
std::string redis_hash_field(const redis::RespValue& reply, std::string_view field);

// take.lua's reply holds this many values per job, in the order the script names.
inline constexpr std::size_t take_reply_fields = 12;
// One job of that reply, now processing in `queue` by `worker` since `started_at` (what the
// claim sent). `run` receives the run number, the fencing token.
Job job_from_take_reply(std::span<const redis::RespValue> values, const std::string& queue,
                        const std::string& worker, SystemTime started_at, std::string& run);

}  // namespace coqueue
