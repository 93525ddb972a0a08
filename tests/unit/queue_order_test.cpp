#include "worker/queue_order.hpp"

#include <map>

#include <gtest/gtest.h>

namespace coqueue::worker {
namespace {

QueueWeights parsed(const std::string& text) {
  auto r = parse_queue_weights(text);
  EXPECT_TRUE(std::holds_alternative<QueueWeights>(r)) << text;
  return std::get<QueueWeights>(r);
}

TEST(QueueOrder, PlainNamesAreStrictPriority) {
  const QueueWeights q = parsed("critical,default,low");
  EXPECT_TRUE(q.strict);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(claim_order(q, rng), (std::vector<std::string>{"critical", "default", "low"}));
  }
}

TEST(QueueOrder, WeightsShareTheFirstLookInProportion) {
  const QueueWeights q = parsed("critical:3,default:1");
  EXPECT_FALSE(q.strict);
  std::mt19937_64 rng(42);
  std::map<std::string, int> first;
  constexpr int rounds = 40'000;
  for (int i = 0; i < rounds; ++i) {
    const auto order = claim_order(q, rng);
    ASSERT_EQ(order.size(), 2u);
    EXPECT_NE(order[0], order[1]);  // every queue, once
    ++first[order[0]];
  }
  // 3 in 4 with a margin far beyond chance (sd about 0.2% here).
  EXPECT_NEAR(static_cast<double>(first["critical"]) / rounds, 0.75, 0.02);
  EXPECT_NEAR(static_cast<double>(first["default"]) / rounds, 0.25, 0.02);
}

TEST(QueueOrder, BadListsNameTheProblem) {
  for (const char* bad : {"", "a:0", "a:x", "a:1001", "a,a", "no/slash", "a:-1"}) {
    const auto r = parse_queue_weights(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << bad;
    EXPECT_FALSE(std::get<std::string>(r).empty());
  }
}

}  // namespace
}  // namespace coqueue::worker
