#pragma once
// A job as the Redis broker stores it: one hash per job, every value a string; times are unix
// milliseconds, payload and result JSON text. Field names: see docs/redis-keys.md.

#include <optional>

#include "core/job/job.hpp"
#include "core/redis/resp_value.hpp"

namespace coqueue {

// From an HGETALL reply (a RESP3 map) or a script's flat field/value array. Nothing for an empty
// or malformed reply.
std::optional<Job> job_from_redis_hash(const redis::RespValue& reply);
// One field of such a reply; empty when absent.
std::string redis_hash_field(const redis::RespValue& reply, std::string_view field);

}  // namespace coqueue
