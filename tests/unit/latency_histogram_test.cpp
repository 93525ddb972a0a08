#include "loadtest/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace coqueue::loadtest {
namespace {

// The exact percentile by the histogram's own definition: the smallest sample v such that at
// least `fraction` of the samples are <= v.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double fraction) {
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

// Latencies from 10 µs to 10 s, bunched in the middle on a log scale like real ones. Built from
// the engine's raw output rather than a std distribution, whose values differ between standard
// libraries, so every platform checks the same sample.
std::vector<std::uint64_t> log_normalish_sample(std::size_t n) {
  std::mt19937_64 engine(20240601);
  const auto uniform = [&] {
    return static_cast<double>(engine() >> 11) / static_cast<double>(std::uint64_t{1} << 53);
  };
  std::vector<std::uint64_t> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double bell = (uniform() + uniform() + uniform() + uniform()) / 4;  // in [0, 1)
    out.push_back(static_cast<std::uint64_t>(std::pow(10.0, 1.0 + 6.0 * bell)));
  }
  return out;
}

TEST(LatencyHistogram, ValuesBelow128MicrosecondsAreExact) {
  for (std::uint64_t v = 0; v < 128; ++v) {
    LatencyHistogram h;
    h.record_us(v);
    EXPECT_EQ(h.percentile_us(0.5), v);
    EXPECT_EQ(h.max_us(), v);
  }
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 127; ++v) h.record_us(v);
  for (std::uint64_t v = 1; v <= 127; ++v) {
    EXPECT_EQ(h.percentile_us(static_cast<double>(v) / 127.0), v) << v;
  }
}

TEST(LatencyHistogram, PercentilesAreWithinPointEightPercentOfTheExactOnes) {
  std::vector<std::uint64_t> sample = log_normalish_sample(200'000);
  LatencyHistogram h;
  for (const std::uint64_t v : sample) h.record_us(v);
  std::sort(sample.begin(), sample.end());
  ASSERT_GE(sample.front(), 10u);
  ASSERT_LT(sample.back(), 10'000'000u);
  ASSERT_GT(sample.back(), 1'000'000u);  // the tail really reaches seconds

  for (const double f : {0.0001, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999}) {
    const auto exact = static_cast<double>(exact_percentile(sample, f));
    const auto got = static_cast<double>(h.percentile_us(f));
    // A bucket reports its upper end, so the error is one-sided.
    EXPECT_GE(got, exact) << "p" << f * 100;
    EXPECT_LE((got - exact) / exact, 0.008) << "p" << f * 100 << " exact " << exact;
  }
  EXPECT_EQ(h.count(), sample.size());
  EXPECT_EQ(h.max_us(), sample.back());
}

TEST(LatencyHistogram, HundredthPercentileIsTheMaximum) {
  LatencyHistogram h;
  for (const std::uint64_t v : {150u, 3'000u, 1'234'567u, 999u}) h.record_us(v);
  // 1'234'567 lies inside a bucket whose upper end is larger; the answer must not exceed it.
  EXPECT_EQ(h.percentile_us(1.0), 1'234'567u);
  EXPECT_EQ(h.max_us(), 1'234'567u);
  EXPECT_EQ(h.percentile_us(2.0), 1'234'567u);  // fractions above 1 are clamped
}

TEST(LatencyHistogram, EmptyHistogramGivesZeros) {
  const LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max_us(), 0u);
  EXPECT_EQ(h.mean_us(), 0.0);
  EXPECT_EQ(h.percentile_us(0.5), 0u);
  EXPECT_EQ(h.percentile_us(1.0), 0u);
  const LatencySummary s = h.summary_ms();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.mean, 0.0);
  EXPECT_EQ(s.p50, 0.0);
  EXPECT_EQ(s.p90, 0.0);
  EXPECT_EQ(s.p99, 0.0);
  EXPECT_EQ(s.p999, 0.0);
  EXPECT_EQ(s.max, 0.0);
}

TEST(LatencyHistogram, ResetEmptiesIt) {
  LatencyHistogram h;
  h.record_us(5'000);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max_us(), 0u);
  EXPECT_EQ(h.mean_us(), 0.0);
  EXPECT_EQ(h.percentile_us(0.5), 0u);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  const std::vector<std::uint64_t> sample = log_normalish_sample(20'000);
  LatencyHistogram all;
  LatencyHistogram first;
  LatencyHistogram second;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    all.record_us(sample[i]);
    // Uneven halves, so the merged one gets values in buckets the other never saw.
    (sample[i] % 3 == 0 ? first : second).record_us(sample[i]);
  }
  first.merge(second);
  EXPECT_EQ(first.count(), all.count());
  EXPECT_EQ(first.max_us(), all.max_us());
  EXPECT_DOUBLE_EQ(first.mean_us(), all.mean_us());
  for (int i = 0; i <= 1000; ++i) {
    const double f = i / 1000.0;
    EXPECT_EQ(first.percentile_us(f), all.percentile_us(f)) << f;
  }
}

TEST(LatencyHistogram, SummaryIsInMilliseconds) {
  LatencyHistogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record_us(v);
  LatencySummary s = h.summary_ms();
  EXPECT_EQ(s.count, 100u);
  EXPECT_DOUBLE_EQ(s.mean, 0.0505);
  EXPECT_DOUBLE_EQ(s.p50, 0.050);
  EXPECT_DOUBLE_EQ(s.p90, 0.090);
  EXPECT_DOUBLE_EQ(s.p99, 0.099);
  EXPECT_DOUBLE_EQ(s.p999, 0.100);
  EXPECT_DOUBLE_EQ(s.max, 0.100);

  h.record_us(2'500'000);  // 2.5 s: the maximum is kept exactly, whatever its bucket
  s = h.summary_ms();
  EXPECT_DOUBLE_EQ(s.max, 2500.0);
  EXPECT_NEAR(s.mean, (5050.0 + 2'500'000.0) / 101.0 / 1000.0, 1e-9);
}

TEST(LatencyHistogram, ValuesAboveTheClampAreCountedWithoutCrashing) {
  LatencyHistogram h;
  h.record_us(std::numeric_limits<std::uint64_t>::max());
  h.record_us(std::uint64_t{1} << 50);
  h.record_us(10);
  EXPECT_EQ(h.count(), 3u);
  // Clamped to something over a week, not wrapped round to a small value.
  EXPECT_GE(h.max_us(), std::uint64_t{7} * 24 * 3600 * 1'000'000);
  EXPECT_EQ(h.percentile_us(1.0), h.max_us());
  EXPECT_EQ(h.percentile_us(0.1), 10u);
  EXPECT_TRUE(std::isfinite(h.mean_us()));
  EXPECT_TRUE(std::isfinite(h.summary_ms().max));
}

}  // namespace
}  // namespace coqueue::loadtest
