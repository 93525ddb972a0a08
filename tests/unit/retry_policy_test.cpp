#include "core/job/retry_policy.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicy, DoublesFromTheBaseWithoutJitterAtMidpoint) {
  const RetryPolicy policy;  // 1 s, x2, cap 10 min, jitter 0.2
  EXPECT_EQ(backoff_delay(policy, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(policy, 2, 0.5), milliseconds(2000));
  EXPECT_EQ(backoff_delay(policy, 3, 0.5), milliseconds(4000));
  EXPECT_EQ(backoff_delay(policy, 10, 0.5), milliseconds(512'000));
}

TEST(RetryPolicy, JitterStaysWithinItsFraction) {
  const RetryPolicy policy;
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), milliseconds(800));
  EXPECT_EQ(backoff_delay(policy, 1, 0.999999), milliseconds(1200));
  for (double u = 0; u < 1; u += 0.01) {
    const auto d = backoff_delay(policy, 3, u);
    EXPECT_GE(d, milliseconds(3200));
    EXPECT_LE(d, milliseconds(4800));
  }
}

TEST(RetryPolicy, CappedEvenWithJitterAndHugeAttempts) {
  const RetryPolicy policy;
  EXPECT_EQ(backoff_delay(policy, 11, 0.999), policy.cap);
  EXPECT_EQ(backoff_delay(policy, 5000, 0.5), policy.cap);
  EXPECT_LE(backoff_delay(policy, 5000, 0.0), policy.cap);
}

TEST(RetryPolicy, NoRetryWhenAttemptsAreSpent) {
  const RetryPolicy policy;
  EXPECT_TRUE(retry_delay(policy, 1, 3, 0.5));
  EXPECT_TRUE(retry_delay(policy, 2, 3, 0.5));
  EXPECT_FALSE(retry_delay(policy, 3, 3, 0.5));
  EXPECT_FALSE(retry_delay(policy, 1, 1, 0.5));
}

}  // namespace
}  // namespace coqueue
