// How coqueue-server chooses its backend at start, and how it answers while Redis is away.

#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

// A loopback port nothing listens on: a stopped redis-server's.
std::string dead_redis_url() {
  RedisServer redis;
  const std::string url = redis.url();
  redis.stop();
  return url;
}

TEST(ServerBackend, RedisWhenItAnswers) {
  RedisServer redis;
  ServerProcess server({"--backend", "auto", "--redis", redis.url()});
  HttpClient client(server.port());
  const auto ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.json().at("backend"), "redis");
  const std::string id = client.submit(R"({"type":"echo","payload":1})");
  EXPECT_EQ(redis.command("EXISTS cq:{default}:job:" + id), ":1\r\n");
}

TEST(ServerBackend, OnRedisQueuesTellHowLongTheNextJobWaited) {
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  client.submit(R"({"type": "echo", "payload": {}})");  // no worker: it waits
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const auto queues = client.get("/queues").json();
  EXPECT_GE(queues.at("queues").at("default").at("oldest_queued_age_ms").as_int64(), 60);
  EXPECT_EQ(queues.at("queues").at("default").at("completed_last_minute").as_int64(), 0);
}

TEST(ServerBackend, AutoFallsBackToMemoryLoudly) {
  ServerProcess server({"--backend", "auto", "--redis", dead_redis_url()});
  EXPECT_EQ(server.count_events("server.backend_fallback"), 1u);
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/readyz").json().at("backend"), "memory");
  const std::string id = client.submit(R"({"type":"echo","payload":1})");
  EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=5000").json().at("status"), "completed");
}

TEST(ServerBackend, RedisRequiredFailsFast) {
  ChildProcess server(COQUEUE_SERVER_BIN, {"--backend", "redis", "--redis", dead_redis_url(),
                                           "--listen", "127.0.0.1:0", "--log-format", "json"});
  EXPECT_EQ(server.wait_exit(20s), 1);
  EXPECT_EQ(server.count_events("server.redis_unreachable"), 1u) << server.output();
}

TEST(ServerBackend, WhileRedisIsAwayRequestsGet503WithRetryAfter) {
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  const std::string id = client.submit(R"({"type":"echo","payload":1})");
  redis.stop();
  for (const std::string& target : {"/jobs/" + id, std::string("/queues")}) {
    const HttpReply reply = client.get(target);
    EXPECT_EQ(reply.status, 503u) << target << " " << reply.body;
    EXPECT_EQ(reply.error_code(), "backend_unavailable") << reply.body;
    EXPECT_EQ(reply.headers.at("retry-after"), "1");
  }
  const HttpReply submit = client.post_json("/jobs", R"({"type":"echo","payload":2})");
  EXPECT_EQ(submit.status, 503u);
  EXPECT_EQ(client.get("/readyz").status, 503u);
  EXPECT_EQ(client.get("/healthz").status, 200u);  // the process itself is fine

  redis.restart();  // no persistence: the job is gone, but the server serves again
  HttpReply after;
  for (int i = 0; i < 100 && after.status != 404; ++i) {
    after = client.get("/jobs/" + id);
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after.status, 404u);
  EXPECT_EQ(client.post_json("/jobs", R"({"type":"echo","payload":3})").status, 202u);
}

TEST(ServerBackend, LiveWorkersAreListedWithWhatTheySayAboutThemselves) {
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  WorkerProcess first(redis.url(), {"--id", "w-first", "--queues", "a:3,b:1", "--concurrency", "3",
                                    "--lease", "900ms"});
  WorkerProcess second(redis.url(), {"--id", "w-second", "--lease", "900ms"});
  for (int i = 0; i < 5; ++i) client.submit(R"({"type": "echo", "payload": 1, "queue": "a"})");
  client.submit(R"({"type": "echo", "payload": 1})");  // so w-second registers too

  boost::json::value listed;
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    listed = client.get("/workers").json();
    const auto& w = listed.at("workers").as_array();
    if (w.size() == 2 && w[0].at("jobs_done").as_int64() == 5) break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(listed.at("count"), 2) << listed;
  const auto& a = listed.at("workers").at(0);
  EXPECT_EQ(a.at("id"), "w-first");
  EXPECT_EQ(a.at("pid"), first.process().pid());
  EXPECT_EQ(a.at("concurrency"), 3);
  EXPECT_EQ(a.at("jobs_done"), 5);
  EXPECT_EQ(a.at("in_flight"), 0);
  EXPECT_EQ(a.at("queues").at(0).at("name"), "a");
  EXPECT_EQ(a.at("queues").at(0).at("weight"), 3);
  EXPECT_FALSE(a.at("host").as_string().empty());
  EXPECT_FALSE(a.at("last_heartbeat").as_string().empty());
  EXPECT_EQ(listed.at("workers").at(1).at("id"), "w-second");

  second.process().signal(SIGTERM);  // it leaves: gone from the list at once
  ASSERT_EQ(second.process().wait_exit(10s), 0);
  EXPECT_EQ(client.get("/workers").json().at("count"), 1);
}

TEST(ServerBackend, InProcessWorkersAreListedToo) {
  ServerProcess server({"--workers", "2"});
  HttpClient client(server.port());
  boost::json::value listed;
  for (int i = 0; i < 100 && (listed.is_null() || listed.at("count") != 1); ++i) {
    listed = client.get("/workers").json();
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(listed.at("count"), 1) << listed;
  EXPECT_EQ(listed.at("workers").at(0).at("concurrency"), 2);
}

// Redis answering "cannot serve now" (here BUSY: a script runs too long; after a restart it is
// LOADING) is the backend being unavailable: a 503, never a 404 for a job that exists.
TEST(ServerBackend, ARedisThatCannotServeNowIsA503NotAnAnswer) {
  RedisServer redis({"--busy-reply-threshold", "50"});
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  const std::string id = client.submit(R"({"type":"echo","payload":1})");
  RawConnection stuck(redis.port());
  stuck.send("EVAL \"while true do end\" 0\r\n");
  std::this_thread::sleep_for(200ms);
  const HttpReply busy = client.get("/jobs/" + id);
  EXPECT_EQ(busy.status, 503u) << busy.body;
  EXPECT_EQ(busy.error_code(), "backend_unavailable");
  EXPECT_EQ(client.post_json("/jobs", R"({"type":"echo"})").status, 503u);
  redis.command("SCRIPT KILL");
  HttpReply back;
  for (int i = 0; i < 100 && back.status != 200; ++i) {
    back = client.get("/jobs/" + id);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(back.status, 200u) << back.body;
}

// A Redis at its memory limit (noeviction) refuses writes: a 503, and what is stored stays.
TEST(ServerBackend, AFullRedisRefusesSubmissionsWithA503) {
  RedisServer redis({"--maxmemory-policy", "noeviction"});
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  const std::string id = client.submit(R"({"type":"echo","payload":1})");
  redis.command("CONFIG SET maxmemory 1");  // anything used is over the limit now
  const HttpReply full = client.post_json("/jobs", R"({"type":"echo","payload":2})");
  EXPECT_EQ(full.status, 503u) << full.body;
  EXPECT_EQ(full.error_code(), "backend_unavailable");
  EXPECT_EQ(client.get("/jobs/" + id).status, 200u);  // reads still work
  redis.command("CONFIG SET maxmemory 0");
  EXPECT_EQ(client.post_json("/jobs", R"({"type":"echo","payload":3})").status, 202u);
}

}  // namespace
}  // namespace coqueue::test
