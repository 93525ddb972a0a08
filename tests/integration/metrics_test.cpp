// GET /metrics on real servers, embedded and on Redis: the figures add up (runs by queue, type
// and outcome from every worker, requests by route and code), and the text passes
// `promtool check metrics` (Prometheus's own lint).

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "core/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

// The value of the sample whose line starts with `series` (name and labels), or -1.
double sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

// Polls GET /metrics until `series` reaches `value` (workers report with their heartbeats).
std::string metrics_when(HttpClient& client, const std::string& series, double value,
                         std::chrono::milliseconds timeout = 15s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  std::string text;
  do {
    const HttpReply r = client.get("/metrics");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    text = r.body;
    if (sample(text, series) >= value) return text;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < until);
  ADD_FAILURE() << series << " did not reach " << value << " in:\n" << text;
  return text;
}

// promtool's verdict on `text`: empty when it is clean, else what it says.
std::string promtool_problems(const std::string& text) {
  char path[] = "/tmp/coqueue-metrics-XXXXXX";
  const int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << text;
  ChildProcess check("/bin/sh", {"-c", std::string(COQUEUE_PROMTOOL) + " check metrics < " + path});
  const auto code = check.wait_exit(60s);
  ::unlink(path);
  if (code == 0 && check.output().empty()) return {};
  return "exit " + std::to_string(code.value_or(-1)) + ": " + check.output();
}

TEST(Metrics, EmbeddedServerCountsRequestsAndRunsAndPassesPromtool) {
  ServerProcess server({"--workers", "2"});
  HttpClient client(server.port());
  for (int i = 0; i < 5; ++i) {
    const std::string id = client.submit(R"({"type": "echo", "payload": {}})");
    EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=5000").json().at("status").as_string(),
              "completed");
  }
  const std::string failing =
      client.submit(R"({"type": "fail", "payload": {}, "max_attempts": 1})");
  client.get("/jobs/" + failing + "?wait_ms=5000");
  EXPECT_EQ(client.get("/no/such/route").status, 404u);
  EXPECT_EQ(client.post_json("/jobs", "{").status, 400u);

  const std::string text = metrics_when(
      client, R"(coqueue_job_runs_total{queue="default",type="echo",outcome="completed"})", 5);
  EXPECT_EQ(sample(text, R"(coqueue_job_runs_total{queue="default",type="fail",outcome="failed"})"),
            1);
  EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="submit_job",code="202"})"), 6);
  EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="submit_job",code="400"})"), 1);
  EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="unmatched",code="404"})"), 1);
  EXPECT_EQ(sample(text, R"(coqueue_queue_jobs{queue="default",status="completed"})"), 5);
  EXPECT_EQ(sample(text, "coqueue_backend_up"), 1);
  EXPECT_EQ(sample(text, R"(coqueue_queue_workers{queue="default"})"), 1);  // the in-process one
  EXPECT_EQ(sample(text, R"(coqueue_queue_oldest_queued_age_seconds{queue="default"})"), 0);
  EXPECT_EQ(
      sample(
          text,
          R"(coqueue_job_run_duration_seconds_count{queue="default",type="echo",outcome="completed"})"),
      5);
  EXPECT_EQ(sample(text, R"(coqueue_job_latency_seconds_count{queue="default"})"), 5);
  EXPECT_EQ(promtool_problems(text), "");
}

TEST(Metrics, OnRedisEveryServerShowsTheRunsOfEveryWorker) {
  RedisServer redis;
  ServerProcess a({"--backend", "redis", "--redis", redis.url()});
  ServerProcess b({"--backend", "redis", "--redis", redis.url()});
  WorkerProcess w1(redis.url(), {"--lease", "1s"});
  WorkerProcess w2(redis.url(), {"--lease", "1s"});
  HttpClient on_a(a.port());
  HttpClient on_b(b.port());
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(on_a.submit(R"({"type": "echo", "payload": {}})"));
  for (const std::string& id : ids) {
    EXPECT_EQ(on_a.get("/jobs/" + id + "?wait_ms=5000").json().at("status").as_string(),
              "completed");
  }
  // Server B saw no submission, yet shows what both workers ran.
  const std::string text = metrics_when(
      on_b, R"(coqueue_job_runs_total{queue="default",type="echo",outcome="completed"})", 20);
  EXPECT_EQ(
      sample(text, R"(coqueue_job_runs_total{queue="default",type="echo",outcome="completed"})"),
      20);
  EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="submit_job",code="202"})"), -1);
  // Each job's latency, from submission to result, as both workers measured it.
  EXPECT_EQ(sample(text, R"(coqueue_job_latency_seconds_count{queue="default"})"), 20);
  EXPECT_EQ(sample(text, R"(coqueue_queue_workers{queue="default"})"), 2);
  EXPECT_GT(sample(text, "coqueue_redis_commands_total"), 0);
  EXPECT_EQ(sample(text, "coqueue_redis_connects_total"), 1);
  EXPECT_GT(sample(text, "coqueue_redis_round_trip_seconds_count"), 0);
  EXPECT_EQ(promtool_problems(text), "");

  // While Redis is away, a server still answers with its own figures.
  redis.stop();
  const HttpReply away = on_b.get("/metrics");
  EXPECT_EQ(away.status, 200u);
  EXPECT_EQ(sample(away.body, "coqueue_backend_up"), 0);
  EXPECT_GT(sample(away.body, R"(coqueue_http_requests_total{route="metrics",code="200"})"), 0);
  EXPECT_EQ(promtool_problems(away.body), "");
}

}  // namespace
}  // namespace coqueue::test
