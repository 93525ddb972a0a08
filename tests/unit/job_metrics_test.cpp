#include "core/queue/job_metrics.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

TEST(JobMetrics, RunsFallInTheBucketOfTheirFirstBoundAtOrAbove) {
  JobMetrics m;
  m.add_run({"q", "echo", "completed"}, 0.001);  // on a bound: that bucket
  m.add_run({"q", "echo", "completed"}, 0.0011);
  m.add_run({"q", "echo", "completed"}, 1000);  // past the last bound: the last bucket
  const TimingStats& s = m.runs.at({"q", "echo", "completed"});
  ASSERT_EQ(s.buckets.size(), run_duration_bounds().size() + 1);
  EXPECT_EQ(s.buckets[0], 1u);
  EXPECT_EQ(s.buckets[1], 1u);
  EXPECT_EQ(s.buckets.back(), 1u);
  EXPECT_EQ(s.count, 3u);
  EXPECT_DOUBLE_EQ(s.sum_seconds, 1000.0021);
}

TEST(JobMetrics, AddingDeltasIsTheSameAsObservingEverything) {
  JobMetrics a;
  JobMetrics b;
  JobMetrics all;
  for (int i = 0; i < 50; ++i) {
    const double seconds = 0.0001 * i * i;
    const RunKey key{"q", i % 2 ? "cpu" : "echo", i % 3 ? "completed" : "failed"};
    (i < 20 ? a : b).add_run(key, seconds);
    all.add_run(key, seconds);
  }
  a.add_recovery("q", 2);
  all.add_recovery("q", 2);
  b.add_latency("q", 0.003);
  a.add(b);
  EXPECT_EQ(a.latencies.at("q").count, 1u);
  EXPECT_EQ(a.latencies.at("q").buckets[2], 1u);  // 2.5 ms < 3 ms <= 5 ms
  ASSERT_EQ(a.runs.size(), all.runs.size());
  for (const auto& [key, stats] : all.runs) {
    EXPECT_EQ(a.runs.at(key).buckets, stats.buckets);
    EXPECT_EQ(a.runs.at(key).count, stats.count);
    EXPECT_NEAR(a.runs.at(key).sum_seconds, stats.sum_seconds, 1e-12);
  }
  EXPECT_EQ(a.recoveries.at("q").count, 1u);
  EXPECT_FALSE(a.empty());
  EXPECT_TRUE(JobMetrics{}.empty());
}

}  // namespace
}  // namespace coqueue
