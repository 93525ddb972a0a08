#include "server/queue_rates.hpp"

#include <gtest/gtest.h>

namespace coqueue::server {
namespace {

using namespace std::chrono_literals;

QueueStats counts(std::int64_t completed, std::int64_t failed) {
  QueueStats s;
  s.queues["q"][JobStatus::completed] = completed;
  s.queues["q"][JobStatus::failed] = failed;
  return s;
}

TEST(QueueRates, CountsTheEndsSinceTheReadingAMinuteAgo) {
  QueueRates rates;
  const SteadyTime t0{};
  for (int i = 0; i <= 24; ++i) rates.record(t0 + i * 5s, counts(100 * i, i));  // 2 minutes
  double window = 0;
  const auto now = t0 + 120s;
  const auto recent = rates.last_minute(now, counts(2400, 24), window);
  EXPECT_DOUBLE_EQ(window, 60);
  EXPECT_EQ(recent.at("q").completed, 1200);  // 12 readings of 100 each
  EXPECT_EQ(recent.at("q").failed, 12);
}

TEST(QueueRates, AYoungServerSaysHowLongItsWindowIs) {
  QueueRates rates;
  const SteadyTime t0{};
  rates.record(t0, counts(10, 0));
  double window = 0;
  const auto recent = rates.last_minute(t0 + 20s, counts(50, 2), window);
  EXPECT_DOUBLE_EQ(window, 20);
  EXPECT_EQ(recent.at("q").completed, 40);
  EXPECT_EQ(recent.at("q").failed, 2);
}

TEST(QueueRates, AFailedJobRetriedIsNotANegativeFailure) {
  QueueRates rates;
  const SteadyTime t0{};
  rates.record(t0, counts(0, 5));
  double window = 0;
  const auto recent = rates.last_minute(t0 + 10s, counts(3, 2), window);
  EXPECT_EQ(recent.at("q").failed, 0);
  EXPECT_EQ(recent.at("q").completed, 3);
}

TEST(QueueRates, ANewQueueCountsFromZeroAndNoReadingGivesNothing) {
  QueueRates rates;
  double window = -1;
  EXPECT_TRUE(rates.last_minute(SteadyTime{}, counts(1, 1), window).empty());
  EXPECT_EQ(window, 0);
  rates.record(SteadyTime{}, QueueStats{});
  const auto recent = rates.last_minute(SteadyTime{} + 1s, counts(7, 1), window);
  EXPECT_EQ(recent.at("q").completed, 7);
}

}  // namespace
}  // namespace coqueue::server
