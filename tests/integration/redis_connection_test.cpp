// The Redis connection against a real redis-server: pipelining, RESP3, binary values, the
// handshake, timeouts, cancellation and a server restart mid-load.

#include "core/redis/connection.hpp"

#include <gtest/gtest.h>
#include <csignal>
#include <optional>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run_coroutine.hpp"

namespace coqueue::redis {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RedisConnectionTest : public ::testing::Test {
 protected:
  RedisConnectionTest() : conn(io.get_executor(), redis.client_config()) { conn.start(); }

  template <class... Args>
  RespValue call(Args&&... args) {
    Request r;
    r.push(std::forward<Args>(args)...);
    auto result = test::run(io, conn.exec(std::move(r)));
    EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message());
    return result ? result->front() : RespValue{};
  }

  test::RedisServer redis;
  asio::io_context io;
  Connection conn;
};

TEST_F(RedisConnectionTest, SetGetAndAPipelineOfMixedCommands) {
  EXPECT_EQ(call("SET", "k", "v").text, "OK");
  EXPECT_EQ(call("GET", "k").text, "v");
  Request r;
  r.push("INCRBY", "n", 5);
  r.push("GET", "missing");
  r.push("NOSUCHCOMMAND", "x");
  r.push("RPUSH", "list", "a", "b", "c");
  r.push("LRANGE", "list", 0, -1);
  r.push("HSET", "h", "f1", "1", "f2", "2");
  r.push("HGETALL", "h");
  const ExecResult replies = test::run(io, conn.exec(std::move(r)));
  ASSERT_TRUE(replies);
  ASSERT_EQ(replies->size(), 7u);
  EXPECT_EQ((*replies)[0].integer, 5);
  EXPECT_TRUE((*replies)[1].is_null());
  EXPECT_TRUE((*replies)[2].is_error());
  EXPECT_NE((*replies)[2].text.find("unknown command"), std::string::npos);
  EXPECT_EQ((*replies)[3].integer, 3);
  ASSERT_EQ((*replies)[4].elements.size(), 3u);
  EXPECT_EQ((*replies)[4].elements[2].text, "c");
  EXPECT_EQ((*replies)[6].type, RespType::map);  // RESP3, from HELLO 3
  EXPECT_EQ((*replies)[6].elements.size(), 4u);
}

awaitable<void> set_then_get(Connection& conn, int i, int& good) {
  const std::string key = "key:" + std::to_string(i);
  const std::string value = "value:" + std::to_string(i * 7);
  Request set;
  set.push("SET", key, value);
  Request get;
  get.push("GET", key);
  const ExecResult a = co_await conn.exec(std::move(set));
  const ExecResult b = co_await conn.exec(std::move(get));
  if (a && b && b->front().text == value) ++good;
}

TEST_F(RedisConnectionTest, AThousandCoroutinesEachGetTheirOwnReply) {
  call("PING");
  int good = 0;
  int finished = 0;
  for (int i = 0; i < 1000; ++i) {
    asio::co_spawn(io, set_then_get(conn, i, good), [&](std::exception_ptr) { ++finished; });
  }
  const auto until = Clock::now() + 30s;
  while (finished < 1000 && Clock::now() < until) test::run_for(io, 5ms);
  EXPECT_EQ(good, 1000);
  const Metrics& m = conn.metrics();
  EXPECT_GE(m.requests, 2001u);
  EXPECT_LT(m.writes, m.requests / 4) << "requests from concurrent callers share writes";
}

TEST_F(RedisConnectionTest, BinaryEmptyAndLargeValues) {
  const std::string binary("line\r\nbreak\0nul\r\n", 17);
  call("SET", "bin", binary);
  EXPECT_EQ(call("GET", "bin").text, binary);
  call("SET", "empty", "");
  const RespValue empty = call("GET", "empty");
  EXPECT_EQ(empty.type, RespType::bulk_string);
  EXPECT_TRUE(empty.text.empty());
  std::string big(64 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + i % 26);
  Request set;
  set.push("SET", "big", big);
  ASSERT_TRUE(test::run(io, conn.exec(std::move(set), 60s)));
  Request get;
  get.push("GET", "big");
  const ExecResult got = test::run(io, conn.exec(std::move(get), 60s));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->front().text.size(), big.size());
  EXPECT_TRUE(got->front().text == big);
}

TEST_F(RedisConnectionTest, Resp3TypesFromTheServer) {
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "map").type, RespType::map);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "set").type, RespType::set);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "double").type, RespType::double_number);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "bignum").type, RespType::big_number);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "true").integer, 1);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "false").type, RespType::boolean);
  EXPECT_TRUE(call("DEBUG", "PROTOCOL", "null").is_null());
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "verbatim").type, RespType::verbatim_string);
  EXPECT_EQ(call("DEBUG", "PROTOCOL", "attrib").type, RespType::bulk_string);  // attribute skipped
}

TEST_F(RedisConnectionTest, PushesGoToThePushHandlerNotToARequest) {
  std::vector<RespValue> pushes;
  conn.on_push([&](RespValue&& v) { pushes.push_back(std::move(v)); });
  const RespValue reply = call("DEBUG", "PROTOCOL", "push");
  EXPECT_FALSE(reply.type == RespType::push);  // the command's own reply
  EXPECT_EQ(call("PING").text, "PONG");        // still in step
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].type, RespType::push);
}

TEST_F(RedisConnectionTest, ATimeoutStopsWaitingAndTheConnectionStaysInStep) {
  call("PING");
  Request slow;
  slow.push("DEBUG", "SLEEP", "0.5");
  const auto start = Clock::now();
  const ExecResult r = test::run(io, conn.exec(std::move(slow), 100ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), redis_errc::timeout);
  EXPECT_LT(Clock::now() - start, 400ms);
  EXPECT_EQ(call("ECHO", "after").text, "after");  // the abandoned reply was not mistaken for it
  EXPECT_EQ(conn.metrics().timeouts, 1u);
}

// One timer serves every deadline of a connection: a later request with a shorter timeout must
// still time out on time, and the longer one must not.
TEST_F(RedisConnectionTest, EachRequestKeepsItsOwnDeadline) {
  call("PING");
  std::optional<ExecResult> slow_result;
  std::optional<ExecResult> quick_result;
  Clock::time_point quick_done{};
  const auto start = Clock::now();
  Request slow;
  slow.push("DEBUG", "SLEEP", "0.5");
  asio::co_spawn(io, conn.exec(std::move(slow), 10s),
                 [&](std::exception_ptr, ExecResult r) { slow_result = std::move(r); });
  Request quick;
  quick.push("PING");
  asio::co_spawn(io, conn.exec(std::move(quick), 100ms), [&](std::exception_ptr, ExecResult r) {
    quick_result = std::move(r);
    quick_done = Clock::now();
  });
  const auto until = Clock::now() + 5s;
  while (!(slow_result && quick_result) && Clock::now() < until) test::run_for(io, 5ms);
  ASSERT_TRUE(quick_result && slow_result);
  ASSERT_FALSE(*quick_result);
  EXPECT_EQ(quick_result->error(), redis_errc::timeout);
  EXPECT_GE(quick_done - start, 100ms);
  EXPECT_LT(quick_done - start, 400ms);
  EXPECT_TRUE(*slow_result) << "the longer deadline was not cut short";
  EXPECT_EQ(call("ECHO", "in step").text, "in step");
}

awaitable<void> get_then_close(Connection& conn, int& ok, int& closed, int& finished) {
  Request r;
  r.push("GET", "k");
  const ExecResult result = co_await conn.exec(std::move(r));
  if (result) {
    ++ok;
    conn.close();
  } else if (result.error() == redis_errc::closed) {
    ++closed;
  }
  ++finished;
}

// A reply resumes its caller at once, on the connection's reader; a caller that closes the
// connection there must leave every other caller a clear error, not a crash or a hang.
TEST_F(RedisConnectionTest, ACallerThatClosesTheConnectionOnItsReplyFailsTheOthersCleanly) {
  call("PING");
  int ok = 0;
  int closed = 0;
  int finished = 0;
  for (int i = 0; i < 20; ++i) {
    asio::co_spawn(io, get_then_close(conn, ok, closed, finished), asio::detached);
  }
  const auto until = Clock::now() + 5s;
  while (finished < 20 && Clock::now() < until) test::run_for(io, 5ms);
  EXPECT_EQ(finished, 20);
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(closed, 19);
}

awaitable<ExecResult> exec_cancellable(Connection& conn, Request r,
                                       asio::cancellation_signal& signal) {
  co_return co_await asio::co_spawn(
      co_await asio::this_coro::executor, conn.exec(std::move(r), 10s),
      asio::bind_cancellation_slot(signal.slot(), asio::use_awaitable));
}

TEST_F(RedisConnectionTest, CancellationStopsWaitingAndTheConnectionStaysUsable) {
  call("PING");
  asio::cancellation_signal signal;
  asio::steady_timer later(io, 50ms);
  later.async_wait([&](auto) { signal.emit(asio::cancellation_type::terminal); });
  Request slow;
  slow.push("DEBUG", "SLEEP", "0.3");
  const auto start = Clock::now();
  const ExecResult r = test::run(io, exec_cancellable(conn, std::move(slow), signal));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), redis_errc::cancelled);
  EXPECT_LT(Clock::now() - start, 250ms);
  EXPECT_EQ(call("ECHO", "still fine").text, "still fine");
}

TEST(RedisConnection, HandshakeWithPasswordDatabaseAndName) {
  test::RedisServer redis({"--requirepass", "s3cret"});
  asio::io_context io;
  Config c = std::get<Config>(
      parse_url("redis://:s3cret@127.0.0.1:" + std::to_string(redis.port()) + "/2"));
  c.client_name = "coqueue:test:1";
  Connection conn(io.get_executor(), c);
  conn.start();
  Request r;
  r.push("CLIENT", "INFO");
  const ExecResult info = test::run(io, conn.exec(std::move(r)));
  ASSERT_TRUE(info) << info.error().message();
  EXPECT_NE(info->front().text.find("db=2"), std::string::npos) << info->front().text;
  EXPECT_NE(info->front().text.find("name=coqueue:test:1"), std::string::npos);
}

TEST(RedisConnection, AnUnnamedConnectionIsNamedAfterTheProcess) {
  test::RedisServer redis;
  asio::io_context io;
  log::configure({.level = log::Level::info,
                  .format = log::Format::text,
                  .role = "worker",
                  .instance = "w42"});
  Connection conn(io.get_executor(), redis.client_config());
  conn.start();
  Request r;
  r.push("CLIENT", "GETNAME");
  const ExecResult name = test::run(io, conn.exec(std::move(r)));
  log::configure({});
  ASSERT_TRUE(name);
  EXPECT_EQ(name->front().text, "coqueue:worker:w42");
}

TEST(RedisConnection, AWrongPasswordNeverConnects) {
  test::RedisServer redis({"--requirepass", "s3cret"});
  asio::io_context io;
  Config c =
      std::get<Config>(parse_url("redis://:wrong@127.0.0.1:" + std::to_string(redis.port())));
  Connection conn(io.get_executor(), c);
  conn.start();
  Request r;
  r.push("PING");
  const ExecResult result = test::run(io, conn.exec(std::move(r), 300ms));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), redis_errc::not_connected);
  EXPECT_FALSE(conn.connected());
}

TEST(RedisConnection, FailFastAnswersAtOnceWhileRedisIsUnreachable) {
  test::RedisServer redis;
  asio::io_context io;
  Config c = redis.client_config();
  c.fail_fast_when_unreachable = true;
  c.request_timeout = 60s;
  Connection conn(io.get_executor(), c);
  conn.start();
  Request ping;
  ping.push("PING");
  ASSERT_TRUE(test::run(io, conn.exec(ping)));
  redis.stop();
  // The link drops; once a reconnect has failed, requests fail without waiting for a link.
  const auto until = std::chrono::steady_clock::now() + 10s;
  ExecResult result = test::run(io, conn.exec(ping, 200ms));
  while (std::chrono::steady_clock::now() < until && result.error() == redis_errc::timeout) {
    result = test::run(io, conn.exec(ping, 200ms));
  }
  const auto start = std::chrono::steady_clock::now();
  result = test::run(io, conn.exec(ping));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), redis_errc::not_connected);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // not the 60 s request timeout
  redis.restart();
  ExecResult back = test::run(io, conn.exec(ping));
  for (int i = 0; i < 200 && !back; ++i) {
    test::run_for(io, 10ms);
    back = test::run(io, conn.exec(ping));
  }
  EXPECT_TRUE(back);
}

TEST(RedisConnection, UnixSocket) {
  test::RedisServer redis;
  asio::io_context io;
  Connection conn(io.get_executor(), std::get<Config>(parse_url("unix://" + redis.unix_socket())));
  conn.start();
  Request r;
  r.push("PING");
  const ExecResult result = test::run(io, conn.exec(std::move(r)));
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->front().text, "PONG");
}

awaitable<void> keep_incrementing(Connection& conn, int& ok, int& failed, bool& stop) {
  while (!stop) {
    Request r;
    r.push("INCR", "counter");
    const ExecResult result = co_await conn.exec(std::move(r), 1s);
    if (result) {
      ++ok;
    } else {
      ++failed;
      asio::steady_timer pause(co_await asio::this_coro::executor, 10ms);
      co_await pause.async_wait(asio::use_awaitable);
    }
  }
}

TEST(RedisConnection, RestartMidLoadFailsInFlightCleanlyThenReconnects) {
  test::RedisServer redis;
  asio::io_context io;
  Connection conn(io.get_executor(), redis.client_config());
  conn.start();
  int ok = 0, failed = 0, finished = 0;
  bool stop = false;
  for (int i = 0; i < 20; ++i) {
    asio::co_spawn(io, keep_incrementing(conn, ok, failed, stop),
                   [&](std::exception_ptr) { ++finished; });
  }
  test::run_for(io, 200ms);
  const int before = ok;
  EXPECT_GT(before, 0);
  redis.restart();  // everything in flight is lost with the old process
  const auto until = Clock::now() + 10s;
  while (ok < before + 200 && Clock::now() < until) test::run_for(io, 10ms);
  stop = true;
  while (finished < 20) test::run_for(io, 10ms);
  EXPECT_GE(ok, before + 200) << "the client reconnected and went on";
  EXPECT_GT(failed, 0) << "requests caught by the restart failed rather than hanging";
  EXPECT_EQ(conn.metrics().connects, 2u);
  // Nothing was replayed: the new server counted only what it acknowledged after the restart.
  Request get;
  get.push("GET", "counter");
  const ExecResult counter = test::run(io, conn.exec(std::move(get)));
  ASSERT_TRUE(counter);
  EXPECT_LE(std::stoi(counter->front().text), ok - before);
}

// A server that stops answering but keeps the TCP link (SIGSTOP: the kernel still ACKs) is
// noticed once a request's caller gave up and nothing was read for a health interval.
TEST(RedisConnection, ASilentServerIsDroppedAndReconnectedLater) {
  test::RedisServer redis;
  asio::io_context io;
  Config c = redis.client_config();
  c.health_check_interval = 200ms;
  c.connect_timeout = 300ms;
  Connection conn(io.get_executor(), c);
  conn.start();
  Request ping;
  ping.push("PING");
  ASSERT_TRUE(test::run(io, conn.exec(std::move(ping))));
  redis.process().signal(SIGSTOP);
  Request lost;
  lost.push("PING");
  EXPECT_EQ(test::run(io, conn.exec(std::move(lost), 100ms)).error(), redis_errc::timeout);
  const auto until = Clock::now() + 5s;
  while (conn.metrics().disconnects == 0 && Clock::now() < until) test::run_for(io, 20ms);
  EXPECT_EQ(conn.metrics().disconnects, 1u);
  redis.process().signal(SIGCONT);
  Request back;
  back.push("ECHO", "back");
  const ExecResult r = test::run(io, conn.exec(std::move(back), 5s));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->front().text, "back");
}

TEST(RedisUrl, ParsesEveryForm) {
  const Config a = std::get<Config>(parse_url("redis://localhost"));
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 6379);
  EXPECT_EQ(a.database, 0);
  const Config b = std::get<Config>(parse_url("redis://user:p%40ss@10.1.2.3:6380/5"));
  EXPECT_EQ(b.username, "user");
  EXPECT_EQ(b.password, "p@ss");
  EXPECT_EQ(b.host, "10.1.2.3");
  EXPECT_EQ(b.port, 6380);
  EXPECT_EQ(b.database, 5);
  const Config c = std::get<Config>(parse_url("redis://[::1]:7000"));
  EXPECT_EQ(c.host, "::1");
  const Config d = std::get<Config>(parse_url("unix:///run/redis.sock?db=3"));
  EXPECT_EQ(d.unix_path, "/run/redis.sock");
  EXPECT_EQ(d.database, 3);
  for (const char* bad : {"http://x", "redis://", "redis://h:0", "redis://h:99999", "redis://h/x",
                          "unix://", "not a url"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_url(bad))) << bad;
  }
}

}  // namespace
}  // namespace coqueue::redis
