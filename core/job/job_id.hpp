#pragma once
// Job ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness, so ids sort by
// creation time as strings. Within one millisecond a generator counts up in the random bits
// (method 2 of the RFC), so the ids it hands out are strictly increasing.
//
// 12 of rand_b's bits carry the tag of the job's queue (a hash of its name), so any process can
// tell which queues a job may be in from its id alone: no id -> queue lookup key per job. The
// tag is the last three hex digits of the fourth group; 50 random bits remain.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/support/time.hpp"

namespace coqueue {

class JobIdGenerator {
 public:
  JobIdGenerator();
  std::string next(SystemTime now, std::string_view queue);

 private:
  std::mt19937_64 rng_;
  std::int64_t last_ms_ = -1;
  std::uint64_t counter_ = 0;  // 12 bits in rand_a
};

// True for the canonical lowercase text form of a UUID, version 7.
bool is_job_id(std::string_view text);

// The 12-bit tag of a queue name (FNV-1a, folded). Stable: ids already handed out depend on it.
std::uint16_t queue_tag(std::string_view queue);

// The queue tag an id carries. Only for ids that pass is_job_id.
std::uint16_t queue_tag_of(std::string_view job_id);

}  // namespace coqueue
