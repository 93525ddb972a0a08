// Pub/sub, blocking commands and scripts against a real redis-server.

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>

#include "core/redis/blocking_pool.hpp"
#include "core/redis/connection.hpp"
#include "core/redis/redis_errc.hpp"
#include "core/redis/script.hpp"
#include "core/redis/subscriber.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run_coroutine.hpp"

namespace coqueue::redis {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RedisPubSubTest : public ::testing::Test {
 protected:
  RedisPubSubTest()
      : conn(io.get_executor(), redis.client_config()),
        sub(io.get_executor(), redis.client_config()) {
    conn.start();
    sub.start();
  }

  // PUBLISH until someone hears it (a new subscription takes a round trip to be in place).
  std::int64_t publish(const std::string& channel, const std::string& payload) {
    Request r;
    r.push("PUBLISH", channel, payload);
    const ExecResult result = test::run(io, conn.exec(std::move(r)));
    return result ? result->front().integer : -1;
  }

  void publish_until_heard(const std::string& channel, const std::string& payload) {
    const auto until = Clock::now() + 5s;
    while (publish(channel, payload) == 0 && Clock::now() < until) test::run_for(io, 5ms);
  }

  std::optional<SubscriberEvent> next(Subscriber::Subscription& s,
                                      std::chrono::milliseconds wait = 2s) {
    return test::run(io, s.next(Clock::now() + wait));
  }

  test::RedisServer redis;
  asio::io_context io;
  Connection conn;
  Subscriber sub;
};

TEST_F(RedisPubSubTest, ChannelAndPatternSubscribersGetTheMessage) {
  auto exact = sub.subscribe("jobs:done");
  auto also_exact = sub.subscribe("jobs:done");
  auto pattern = sub.psubscribe("jobs:*");
  publish_until_heard("jobs:done", "warmup");
  // drain the warm-up messages
  while (next(*exact, 50ms)) {
  }
  while (next(*also_exact, 50ms)) {
  }
  while (next(*pattern, 50ms)) {
  }
  // Redis counts one receiver per name this client subscribed: the channel and the pattern.
  EXPECT_EQ(publish("jobs:done", "id-1"), 2);
  const auto a = next(*exact);
  ASSERT_TRUE(a);
  EXPECT_EQ(std::get<Message>(*a).payload, "id-1");
  EXPECT_EQ(std::get<Message>(*next(*also_exact)).payload, "id-1");
  const auto p = next(*pattern);
  ASSERT_TRUE(p);
  EXPECT_EQ(std::get<Message>(*p).channel, "jobs:done");
  EXPECT_EQ(std::get<Message>(*p).pattern, "jobs:*");
  EXPECT_FALSE(next(*exact, 50ms)) << "nothing else arrived";
}

TEST_F(RedisPubSubTest, TheLastSubscriptionToGoUnsubscribes) {
  auto s = sub.subscribe("ch");
  publish_until_heard("ch", "x");
  s.reset();
  const auto until = Clock::now() + 5s;
  while (publish("ch", "y") != 0 && Clock::now() < until) test::run_for(io, 5ms);
  EXPECT_EQ(publish("ch", "z"), 0);
}

TEST_F(RedisPubSubTest, ASlowReaderGetsAGapNotUnboundedMemory) {
  auto s = sub.subscribe("flood", 8);
  publish_until_heard("flood", "warmup");
  for (int i = 0; i < 100; ++i) publish("flood", std::to_string(i));
  test::run_for(io, 100ms);
  const auto first = next(*s);
  ASSERT_TRUE(first);
  EXPECT_TRUE(std::holds_alternative<Gap>(*first));
  int messages = 0;
  while (auto e = next(*s, 50ms)) messages += std::holds_alternative<Message>(*e) ? 1 : 0;
  EXPECT_LE(messages, 8);
}

TEST_F(RedisPubSubTest, AfterARestartItResubscribesAndReportsAGap) {
  auto s = sub.subscribe("events");
  publish_until_heard("events", "before");
  while (next(*s, 50ms)) {
  }
  redis.restart();
  // The gap comes first: whatever was published while the link was down is lost.
  const auto gap = next(*s, 10s);
  ASSERT_TRUE(gap);
  EXPECT_TRUE(std::holds_alternative<Gap>(*gap));
  publish_until_heard("events", "after");
  const auto after = next(*s, 5s);
  ASSERT_TRUE(after);
  EXPECT_EQ(std::get<Message>(*after).payload, "after");
}

TEST_F(RedisPubSubTest, BlockingCommandsDoNotStallTheSharedConnection) {
  BlockingPool pool(io.get_executor(), redis.client_config(), 2);
  pool.start();
  std::optional<ExecResult> popped;
  Request blmove;
  blmove.push("BLMOVE", "pending", "processing", "LEFT", "RIGHT", "2");
  asio::co_spawn(io, pool.exec(std::move(blmove), 5s),
                 [&](std::exception_ptr, ExecResult r) { popped = std::move(r); });
  test::run_for(io, 50ms);
  EXPECT_EQ(pool.busy(), 1u);
  // The shared connection answers at once while BLMOVE blocks on the pool's connection.
  const auto start = Clock::now();
  Request ping;
  ping.push("PING");
  ASSERT_TRUE(test::run(io, conn.exec(std::move(ping))));
  EXPECT_LT(Clock::now() - start, 500ms);
  Request push;
  push.push("LPUSH", "pending", "job-1");
  ASSERT_TRUE(test::run(io, conn.exec(std::move(push))));
  while (!popped) test::run_for(io, 5ms);
  ASSERT_TRUE(*popped);
  EXPECT_EQ((**popped).front().text, "job-1");
  EXPECT_EQ(pool.busy(), 0u);
}

TEST_F(RedisPubSubTest, ABlockingCommandThatTimesOutServerSideReturnsNil) {
  BlockingPool pool(io.get_executor(), redis.client_config(), 1);
  pool.start();
  Request r;
  r.push("BLMOVE", "empty", "processing", "LEFT", "RIGHT", "0.1");
  const ExecResult result = test::run(io, pool.exec(std::move(r), 5s));
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->front().is_null());
}

TEST_F(RedisPubSubTest, CallersWaitForAFreeBlockingConnection) {
  BlockingPool pool(io.get_executor(), redis.client_config(), 1);
  pool.start();
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    Request r;
    r.push("BLPOP", "never", "0.1");
    asio::co_spawn(io, pool.exec(std::move(r), 5s), [&](std::exception_ptr, ExecResult res) {
      if (res && res->front().is_null()) ++done;
    });
  }
  const auto start = Clock::now();
  while (done < 3 && Clock::now() - start < 5s) test::run_for(io, 5ms);
  EXPECT_EQ(done, 3);
  EXPECT_GE(Clock::now() - start, 250ms);  // one after another on the single connection
}

TEST_F(RedisPubSubTest, ScriptsLoadOnceAndReloadAfterAFlush) {
  Script add("add", "return redis.call('INCRBY', KEYS[1], ARGV[1])");
  const ExecResult first = test::run(io, add.run(conn, {"total"}, {"5"}, 2s));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->front().integer, 5);
  ASSERT_TRUE(add.sha());
  Request flush;
  flush.push("SCRIPT", "FLUSH");
  ASSERT_TRUE(test::run(io, conn.exec(std::move(flush))));
  const ExecResult second = test::run(io, add.run(conn, {"total"}, {"2"}, 2s));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->front().integer, 7);  // reloaded, and ran exactly once
  Script broken("broken", "return redis.call('NOSUCHCMD')");
  const ExecResult err = test::run(io, broken.run(conn, {}, {}, 2s));
  ASSERT_TRUE(err);
  EXPECT_TRUE(err->front().is_error());
}

// A subscription Redis refuses (an ACL without that channel) gets an error reply, not a push;
// it must not be mistaken for another request's reply, and other subscriptions go on.
TEST(RedisSubscriber, ARefusedSubscriptionLeavesTheOthersWorking) {
  test::RedisServer redis;
  redis.command("ACL SETUSER limited on >pw ~* &allowed +@all");
  asio::io_context io;
  Config c =
      std::get<Config>(parse_url("redis://limited:pw@127.0.0.1:" + std::to_string(redis.port())));
  Subscriber sub(io.get_executor(), c);
  sub.start();
  Connection conn(io.get_executor(), redis.client_config());
  conn.start();
  auto forbidden = sub.subscribe("forbidden");
  auto allowed = sub.subscribe("allowed");
  const auto until = Clock::now() + 5s;
  std::int64_t heard = 0;
  while (heard == 0 && Clock::now() < until) {
    Request r;
    r.push("PUBLISH", "allowed", "hello");
    heard = test::run(io, conn.exec(std::move(r)))->front().integer;
    test::run_for(io, 5ms);
  }
  EXPECT_EQ(heard, 1);
  const auto event = test::run(io, allowed->next(Clock::now() + 2s));
  ASSERT_TRUE(event);
  EXPECT_EQ(std::get<Message>(*event).payload, "hello");
  EXPECT_TRUE(sub.connected());
}

}  // namespace
}  // namespace coqueue::redis
