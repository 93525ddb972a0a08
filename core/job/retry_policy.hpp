#pragma once
// When a failed run is tried again: exponential backoff with jitter, capped. The same policy in
// every backend. Pure functions, so the timing is tested without waiting.

#include <chrono>
#include <optional>

namespace coqueue {

struct RetryPolicy {
  std::chrono::milliseconds base{1000};    // delay before the first retry
  double factor = 2.0;                     // growth per further attempt
  std::chrono::milliseconds cap{600'000};  // no delay is longer than this
  double jitter = 0.2;                     // +/- this fraction, so retries of a burst spread out
};

// The delay before the run that follows `failed_attempt` (1-based); `unit_random` in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempt,
                                        double unit_random);

// Nothing when the job has no attempts left and goes to `failed`; else the retry delay.
std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy, int attempts,
                                                     int max_attempts, double unit_random);

}  // namespace coqueue
