// A deployment on a Redis whose default user is off: servers and workers log in as an ACL user
// that may run only the commands coqueue sends, on its own keys and channels (the rule of
// docs/security.md), and everything works: submit, wait, cancel, retry into dead letters,
// requeue, the job browser, schedules, metrics.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

// The same rule as docs/security.md gives (with its own password).
const std::string acl_rule =
    "ACL SETUSER coqueue on >acl-test-password resetkeys ~cq:* resetchannels &cq:* "
    "&cq:{*}:done &cq:{*}:changed -@all +hello +ping +select +client|setname +evalsha "
    "+script|load +get +set +del +exists +pexpire +incrby +hget +hset +hsetnx +hmget +hgetall "
    "+hincrby +hincrbyfloat +hdel +lpush +rpush +rpop +lrange +llen +lindex +ltrim +lrem +lpos "
    "+lmove +blmove +blpop +sadd +srem +smembers +zadd +zrem +zrange +zrangebyscore "
    "+zrevrangebylex +publish +subscribe +psubscribe +unsubscribe +punsubscribe";

TEST(RedisAcl, ADeploymentRunsAsALeastPrivilegeUserWithTheDefaultUserOff) {
  RedisServer redis;
  ASSERT_EQ(redis.command(acl_rule), "+OK\r\n");
  ASSERT_EQ(redis.command("ACL SETUSER default off"), "+OK\r\n");
  EXPECT_NE(redis.command("PING").find("NOAUTH"), std::string::npos);  // no way in without it
  const std::string url =
      "redis://coqueue:acl-test-password@127.0.0.1:" + std::to_string(redis.port());

  ServerProcess server({"--backend", "redis", "--redis", url});
  WorkerProcess worker(url, {"--queues", "default,mail"});
  HttpClient http(server.port());

  const std::string id = http.submit(R"({"type": "echo", "payload": {"hello": "acl"}})");
  EXPECT_EQ(http.get("/jobs/" + id + "?wait_ms=10000").json().at("status").as_string(),
            "completed");
  const std::string dead = http.submit(R"({"type": "fail", "queue": "mail", "max_attempts": 1})");
  EXPECT_EQ(http.get("/jobs/" + dead + "?wait_ms=10000").json().at("status").as_string(), "failed");
  EXPECT_EQ(http.request("POST", "/queues/mail/dead/requeue").status, 200u);
  const std::string later =
      http.submit(R"({"type": "sleep", "payload": {"ms": 10}, "delay_ms": 60000})");
  EXPECT_EQ(http.request("DELETE", "/jobs/" + later).json().at("status").as_string(), "cancelled");
  EXPECT_GE(http.get("/jobs?limit=10").json().at("jobs").as_array().size(), 3u);
  EXPECT_EQ(http.get("/queues").status, 200u);
  EXPECT_EQ(http.get("/metrics").status, 200u);
  EXPECT_EQ(http.get("/workers").json().at("count").as_int64(), 1);

  // A schedule fires through the worker, as that user too.
  ASSERT_EQ(http.request("PUT", "/schedules/acl-beat",
                         R"({"every_ms": 1000, "job": {"type": "echo", "queue": "default"}})")
                .status,
            201u);
  bool fired = false;
  for (int i = 0; i < 50 && !fired; ++i) {
    std::this_thread::sleep_for(100ms);
    fired = !http.get("/schedules/acl-beat").json().at("last_job_id").is_null();
  }
  EXPECT_TRUE(fired);

  // Nothing the user ran was refused.
  EXPECT_EQ(worker.process().output().find("NOPERM"), std::string::npos);
  EXPECT_EQ(server.process().output().find("NOPERM"), std::string::npos);
}

// The password may live in a file instead of the URL (which the environment and `ps` show): the
// user in the URL, the password in --redis-password-file, for servers and workers alike.
TEST(RedisAcl, ThePasswordCanComeFromAFile) {
  RedisServer redis;
  ASSERT_EQ(redis.command(acl_rule), "+OK\r\n");
  ASSERT_EQ(redis.command("ACL SETUSER default off"), "+OK\r\n");
  const std::string file = std::filesystem::temp_directory_path() /
                           ("coqueue-redis-password-" + std::to_string(::getpid()));
  std::ofstream(file) << "acl-test-password\n";
  const std::string url = "redis://coqueue@127.0.0.1:" + std::to_string(redis.port());

  ServerProcess server({"--backend", "redis", "--redis", url, "--redis-password-file", file});
  WorkerProcess worker(url, {"--redis-password-file", file});
  HttpClient http(server.port());
  const std::string id = http.submit(R"({"type": "echo", "payload": 1})");
  EXPECT_EQ(http.get("/jobs/" + id + "?wait_ms=10000").json().at("status").as_string(),
            "completed");

  // A wrong file, or a password in both places, is refused at start with the reason.
  ChildProcess missing(COQUEUE_SERVER_BIN, {"--backend", "redis", "--redis", url,
                                            "--redis-password-file", file + ".missing"});
  EXPECT_EQ(missing.wait_exit(10s), 2);
  EXPECT_NE(missing.output().find("cannot read"), std::string::npos) << missing.output();
  ChildProcess both(COQUEUE_WORKER_BIN,
                    {"--redis", "redis://coqueue:x@127.0.0.1:" + std::to_string(redis.port()),
                     "--redis-password-file", file});
  EXPECT_EQ(both.wait_exit(10s), 2);
  EXPECT_NE(both.output().find("give it in one place"), std::string::npos) << both.output();
  std::filesystem::remove(file);
}

}  // namespace
}  // namespace coqueue::test
