#include "core/queue/completion_hub.hpp"

#include <gtest/gtest.h>

#include "tests/support/run_coroutine.hpp"

namespace coqueue {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

awaitable<bool> wait_for(CompletionHub& hub, std::string id, std::chrono::milliseconds wait) {
  CompletionHub::Subscription sub(hub, id);
  co_return co_await sub.wait_until(Clock::now() + wait);
}

TEST(CompletionHub, NotifyWakesTheWaiterAtOnce) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  asio::steady_timer later(io, 20ms);
  later.async_wait([&](auto) { hub.notify("job-1"); });
  const auto start = Clock::now();
  EXPECT_TRUE(test::run(io, wait_for(hub, "job-1", 5s)));
  EXPECT_LT(Clock::now() - start, 2s);  // woken by notify, not by the 5 s deadline
  EXPECT_EQ(hub.waiting(), 0u);
}

TEST(CompletionHub, OtherJobsDoNotWake) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  asio::steady_timer later(io, 5ms);
  later.async_wait([&](auto) { hub.notify("job-2"); });
  EXPECT_FALSE(test::run(io, wait_for(hub, "job-1", 60ms)));
}

TEST(CompletionHub, NotifyBeforeTheWaitStillCounts) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  CompletionHub::Subscription sub(hub, "job-1");
  hub.notify("job-1");  // between subscribing and waiting
  EXPECT_TRUE(test::run(io, sub.wait_until(Clock::now() + 5s)));
}

TEST(CompletionHub, NotifyAllWakesEveryone) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  CompletionHub::Subscription a(hub, "a");
  CompletionHub::Subscription b(hub, "b");
  EXPECT_EQ(hub.waiting(), 2u);
  hub.notify_all();
  EXPECT_TRUE(test::run(io, a.wait_until(Clock::now() + 5s)));
  EXPECT_TRUE(test::run(io, b.wait_until(Clock::now() + 5s)));
}

// The hub keeps no memory of ends: a subscription made after an end does not hear of it (a
// waiter subscribes before it reads the job, or before the job exists).
TEST(CompletionHub, ASubscriptionHearsOnlyOfEndsAfterIt) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  hub.notify("early");
  CompletionHub::Subscription late(hub, "early");
  EXPECT_FALSE(test::run(io, late.wait_until(Clock::now() + 30ms)));
  hub.notify("early");  // ended again (retried by hand)
  EXPECT_TRUE(test::run(io, late.wait_until(Clock::now() + 5s)));
}

// An end may bring a note on its run: every waiter of the job gets it; an end without one
// leaves none.
TEST(CompletionHub, AnEndsNoteReachesItsWaiters) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  CompletionHub::Subscription first(hub, "job-1");
  CompletionHub::Subscription second(hub, "job-1");
  CompletionHub::Subscription other(hub, "job-2");
  hub.notify("job-1", "default", "1 5 9 w1 {}");
  EXPECT_TRUE(test::run(io, first.wait_until(Clock::now() + 5s)));
  EXPECT_EQ(first.note(), "1 5 9 w1 {}");
  EXPECT_EQ(second.note(), "1 5 9 w1 {}");
  EXPECT_EQ(other.note(), "");
  hub.notify("job-2");
  EXPECT_TRUE(test::run(io, other.wait_until(Clock::now() + 5s)));
  EXPECT_EQ(other.note(), "");
}

TEST(CompletionHub, NotifyAllCountsAGenerationOfPossiblyMissedEnds) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  const std::uint64_t before = hub.missed_generation();
  hub.notify("x");
  EXPECT_EQ(hub.missed_generation(), before);
  hub.notify_all();
  EXPECT_EQ(hub.missed_generation(), before + 1);
}

}  // namespace
}  // namespace coqueue
