#include "core/support/histogram.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

TEST(Histogram, BucketsAreInclusiveUpperBoundsAndCumulative) {
  Histogram h({1, 10, 100});
  for (const double v : {0.5, 1.0, 1.5, 10.0, 99.0, 1000.0}) h.observe(v);
  EXPECT_EQ(h.cumulative(), (std::vector<std::uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(h.count(), 6u);
  EXPECT_DOUBLE_EQ(h.sum(), 1112.0);
}

TEST(Histogram, AddingAnotherSumsBucketsCountAndSum) {
  Histogram a({1, 10});
  Histogram b({1, 10});
  a.observe(0.5);
  b.observe(5);
  b.observe(50);
  a.add(b);
  EXPECT_EQ(a.cumulative(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(a.count(), 3u);
  EXPECT_DOUBLE_EQ(a.sum(), 55.5);
}

}  // namespace
}  // namespace coqueue
