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

// A job submitted and waited for in one request can only subscribe once it has its id, which may
// be after the job ended: the hub remembers recent ends for such a late subscriber.
TEST(CompletionHub, ASubscriberThatComesJustAfterTheEndStillHearsOfIt) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  hub.notify("early");
  CompletionHub::Subscription late(hub, "early");
  EXPECT_TRUE(test::run(io, late.wait_until(Clock::now() + 5s)));
  // One that has just read the job and seen it not ended (a retry) ignores the memory.
  CompletionHub::Subscription after_read(hub, "early", /*heed_recent_ends=*/false);
  EXPECT_FALSE(test::run(io, after_read.wait_until(Clock::now() + 30ms)));
  // The memory is bounded: the oldest ends are forgotten.
  for (int i = 0; i < 5000; ++i) hub.notify("job-" + std::to_string(i));
  CompletionHub::Subscription forgotten(hub, "early");
  EXPECT_FALSE(test::run(io, forgotten.wait_until(Clock::now() + 30ms)));
  CompletionHub::Subscription kept(hub, "job-4999");
  EXPECT_TRUE(test::run(io, kept.wait_until(Clock::now() + 5s)));
  // Exactly the last 4,096 distinct ends; an end told again takes no second place.
  for (int i = 0; i < 100; ++i) hub.notify("job-4999");
  const auto remembered = [&](const std::string& id) {
    CompletionHub::Subscription s(hub, id);
    return test::run(io, s.wait_until(Clock::now()));
  };
  EXPECT_TRUE(remembered("job-904"));
  EXPECT_FALSE(remembered("job-903"));
}

// An end may bring a note on its run: a waiter gets it, and so does a subscriber that comes
// after the end, from the hub's memory (small notes only; a repeated end's word wins).
TEST(CompletionHub, AnEndsNoteReachesItsWaitersAndLateSubscribers) {
  asio::io_context io;
  CompletionHub hub(io.get_executor());
  CompletionHub::Subscription waiting(hub, "job-1");
  hub.notify("job-1", "default", "1 5 9 w1 {}");
  EXPECT_TRUE(test::run(io, waiting.wait_until(Clock::now() + 5s)));
  EXPECT_EQ(waiting.note(), "1 5 9 w1 {}");
  CompletionHub::Subscription late(hub, "job-1");
  EXPECT_EQ(late.note(), "1 5 9 w1 {}");
  CompletionHub::Subscription after_read(hub, "job-1", /*heed_recent_ends=*/false);
  EXPECT_EQ(after_read.note(), "");

  hub.notify("job-1");  // ended again (retried by hand), this time without a note
  CompletionHub::Subscription again(hub, "job-1");
  EXPECT_TRUE(test::run(io, again.wait_until(Clock::now())));
  EXPECT_EQ(again.note(), "");

  const std::string big(3000, 'x');
  CompletionHub::Subscription big_waiter(hub, "job-2");
  hub.notify("job-2", "default", big);
  EXPECT_EQ(big_waiter.note(), big);  // a waiter gets what came
  CompletionHub::Subscription big_late(hub, "job-2");
  EXPECT_TRUE(test::run(io, big_late.wait_until(Clock::now())));
  EXPECT_EQ(big_late.note(), "");  // but the memory keeps no such size
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
