#pragma once
// Job ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then randomness, so ids sort by
// creation time as strings. Within one millisecond a generator counts up in the random bits
// (method 2 of the RFC), so the ids it hands out are strictly increasing.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/support/time.hpp"

namespace coqueue {

class JobIdGenerator {
 public:
  JobIdGenerator();
  std::string next(SystemTime now);

 private:
  std::mt19937_64 rng_;
  std::int64_t last_ms_ = -1;
  std::uint64_t counter_ = 0;  // 12 bits in rand_a
};

// True for the canonical lowercase text form of a UUID, version 7.
bool is_job_id(std::string_view text);

}  // namespace coqueue
