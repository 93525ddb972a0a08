#include "server/alert_rules.hpp"

#include <gtest/gtest.h>

namespace coqueue::server {
namespace {

using namespace std::chrono_literals;

DeploymentReading reading(std::int64_t queued, std::int64_t dead, std::int64_t workers) {
  DeploymentReading r;
  r.stats.queues["mail"][JobStatus::queued] = queued;
  r.stats.dead["mail"] = dead;
  if (workers > 0) r.workers["mail"] = workers;
  return r;
}

std::vector<std::string> said(const std::vector<Alert>& alerts) {
  std::vector<std::string> out;
  for (const Alert& a : alerts) out.push_back(a.name + ":" + a.status + ":" + a.queue);
  return out;
}

TEST(AlertRules, NewDeadLettersFireOnceAndResolveWhenNoneAreLeft) {
  AlertRules rules(10min);
  const SteadyTime t0{};
  EXPECT_TRUE(rules.evaluate(reading(0, 0, 1), t0).empty());
  EXPECT_EQ(said(rules.evaluate(reading(0, 2, 1), t0 + 1s)),
            std::vector<std::string>{"dead_letters:firing:mail"});
  EXPECT_TRUE(rules.evaluate(reading(0, 2, 1), t0 + 2s).empty());  // no new ones
  // More came: that is news, said at once whatever the repeat.
  EXPECT_EQ(said(rules.evaluate(reading(0, 3, 1), t0 + 3s)),
            std::vector<std::string>{"dead_letters:firing:mail"});
  EXPECT_TRUE(rules.evaluate(reading(0, 3, 1), t0 + 11min).empty());  // the same ones: not again
  EXPECT_EQ(said(rules.evaluate(reading(0, 0, 1), t0 + 12min)),
            std::vector<std::string>{"dead_letters:resolved:mail"});
  EXPECT_TRUE(rules.evaluate(reading(0, 0, 1), t0 + 13min).empty());
}

TEST(AlertRules, DeadLettersFromBeforeTheServerStartedAreNotNew) {
  AlertRules rules(10min);
  EXPECT_TRUE(rules.evaluate(reading(0, 4, 1), SteadyTime{}).empty());
  EXPECT_TRUE(rules.evaluate(reading(0, 0, 1), SteadyTime{} + 1s).empty());  // nothing to resolve
}

TEST(AlertRules, AQueueWithWorkAndNoWorkerFiresRepeatsAndResolves) {
  AlertRules rules(1min);
  const SteadyTime t0{};
  EXPECT_TRUE(rules.evaluate(reading(0, 0, 0), t0).empty());  // nothing waits: no alert
  const auto fired = rules.evaluate(reading(3, 0, 0), t0 + 1s);
  ASSERT_EQ(said(fired), std::vector<std::string>{"no_workers:firing:mail"});
  EXPECT_EQ(fired[0].value, 3);
  EXPECT_TRUE(rules.evaluate(reading(3, 0, 0), t0 + 30s).empty());
  EXPECT_EQ(said(rules.evaluate(reading(4, 0, 0), t0 + 62s)),
            std::vector<std::string>{"no_workers:firing:mail"});
  EXPECT_EQ(said(rules.evaluate(reading(4, 0, 2), t0 + 63s)),
            std::vector<std::string>{"no_workers:resolved:mail"});
}

TEST(AlertRules, AnUnreachableBackendFiresAndKeepsTheOtherAlertsAsTheyWere) {
  AlertRules rules(1min);
  const SteadyTime t0{};
  rules.evaluate(reading(3, 0, 0), t0);  // no_workers firing
  DeploymentReading down;
  down.backend_reachable = false;
  EXPECT_EQ(said(rules.evaluate(down, t0 + 1s)),
            std::vector<std::string>{"backend_unreachable:firing:"});
  EXPECT_TRUE(rules.evaluate(down, t0 + 2s).empty());
  // Back: the backend alert resolves; the queue still has no worker, said within the minute.
  EXPECT_EQ(said(rules.evaluate(reading(3, 0, 0), t0 + 3s)),
            std::vector<std::string>{"backend_unreachable:resolved:"});
}

}  // namespace
}  // namespace coqueue::server
