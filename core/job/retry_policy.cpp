#include "core/job/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace coqueue {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempt,
                                        double unit_random) {
  const int exponent = std::max(0, failed_attempt - 1);
  const double cap = static_cast<double>(policy.cap.count());
  const double raw = static_cast<double>(policy.base.count()) * std::pow(policy.factor, exponent);
  const double capped = std::min(raw, cap);
  const double spread = 1.0 + policy.jitter * (2.0 * unit_random - 1.0);
  const double jittered = std::clamp(capped * spread, 0.0, cap);
  return std::chrono::milliseconds(static_cast<long long>(std::llround(jittered)));
}

std::optional<std::chrono::milliseconds> retry_delay(const RetryPolicy& policy, int attempts,
                                                     int max_attempts, double unit_random) {
  if (attempts >= max_attempts) return std::nullopt;
  return backoff_delay(policy, attempts, unit_random);
}

}  // namespace coqueue
