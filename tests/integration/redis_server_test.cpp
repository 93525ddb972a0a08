// The test fixture that every Redis-backed test stands on: a private redis-server per test.

#include <gtest/gtest.h>

#include "tests/support/redis_server.hpp"

namespace coqueue::test {
namespace {

TEST(RedisServerFixture, StartsAnswersAndStopsByPid) {
  RedisServer redis;
  EXPECT_EQ(redis.command("PING"), "+PONG\r\n");
  EXPECT_EQ(redis.command("SET k v"), "+OK\r\n");
  EXPECT_EQ(redis.command("CONFIG GET save").find("*2"), 0u);
  const pid_t pid = redis.process().pid();
  redis.stop();
  EXPECT_FALSE(redis.process().running());
  EXPECT_NE(::kill(pid, 0), 0);  // the process is gone
  EXPECT_THROW(redis.command("PING"), std::exception);
}

TEST(RedisServerFixture, TwoAtOnceAreIndependent) {
  RedisServer a;
  RedisServer b;
  EXPECT_NE(a.port(), b.port());
  a.command("SET only-in-a 1");
  EXPECT_EQ(b.command("EXISTS only-in-a"), ":0\r\n");
  EXPECT_EQ(a.command("EXISTS only-in-a"), ":1\r\n");
}

}  // namespace
}  // namespace coqueue::test
