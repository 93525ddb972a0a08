// --threads: coqueue-server with N threads, each with its own listener on the shared port, Redis
// connections and Api, in one process; coqueue-worker with T threads, each a worker of its own.
// These tests also run in the ThreadSanitizer build (label `threads`), where the server and the
// worker under test are built with TSan too.

#include <atomic>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/value_to.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/proc_entries.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/websocket_client.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<ServerProcess> threaded_server(const RedisServer& redis, int threads) {
  return std::make_unique<ServerProcess>(
      std::vector<std::string>{"--backend", "redis", "--redis", redis.url(), "--workers", "0",
                               "--threads", std::to_string(threads)});
}

// The value of the sample whose line starts with `series`, or -1.
double sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// Many clients on their own connections: the kernel spreads them over the threads' listeners.
// Every job completes, and GET /metrics, answered by whichever thread, counts the requests of
// all of them.
TEST(ServerThreads, TwoThreadsShareOnePortAndEveryRequestIsCounted) {
  constexpr int clients = 16;
  constexpr int jobs_each = 50;
  RedisServer redis;
  auto server = threaded_server(redis, 2);
  WorkerProcess worker(redis.url(), {"--concurrency", "16"});
  EXPECT_GE(proc_entries(server->process().pid(), "task"), 2u);

  std::atomic<int> completed{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      HttpClient client(server->port());
      for (int i = 0; i < jobs_each; ++i) {
        const std::string id = client.submit(R"({"type":"echo","payload":{"i":1}})");
        const HttpReply r = client.get("/jobs/" + id + "?wait_ms=10000");
        if (r.status == 200 && r.json().at("status") == "completed") ++completed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(completed, clients * jobs_each);

  for (int scrape = 0; scrape < 4; ++scrape) {  // fresh connections, so any thread may answer
    HttpClient client(server->port());
    const std::string text = client.get("/metrics").body;
    EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="submit_job",code="202"})"),
              clients * jobs_each)
        << text;
    EXPECT_EQ(sample(text, R"(coqueue_http_requests_total{route="get_job",code="200"})"),
              clients * jobs_each);
    // Both threads' Redis clients: at least a connect each (command, subscriber, blocking).
    EXPECT_GE(sample(text, "coqueue_redis_connects_total"), 2);
  }
}

TEST(ServerThreads, MoreThanOneNeedsRedis) {
  ChildProcess server(COQUEUE_SERVER_BIN, {"--backend", "memory", "--threads", "2"});
  EXPECT_EQ(server.wait_exit(10s), 2);
  EXPECT_NE(server.output().find("--threads above 1 needs the Redis backend"), std::string::npos)
      << server.output();
}

// A completion reaches a WebSocket whichever thread holds it and whichever took the job.
TEST(ServerThreads, AWebSocketOnAnyThreadHearsOfItsJobs) {
  RedisServer redis;
  auto server = threaded_server(redis, 3);
  WorkerProcess worker(redis.url(), {"--concurrency", "8"});
  std::vector<std::unique_ptr<WebSocketClient>> sockets;
  for (int i = 0; i < 6; ++i) {
    sockets.push_back(std::make_unique<WebSocketClient>(server->port()));
    sockets.back()->send(R"({"subscribe_queue": "default"})");
    ASSERT_TRUE(sockets.back()->receive_event("subscribed", 5s));
  }
  HttpClient client(server->port());
  const std::string id = client.submit(R"({"type":"echo","payload":7})");
  for (auto& ws : sockets) {
    bool heard = false;
    for (int i = 0; i < 10 && !heard; ++i) {
      const auto event = ws->receive_event("job", 5s);
      ASSERT_TRUE(event);
      const auto& job = event->at("job");
      heard =
          boost::json::value_to<std::string>(job.at("id")) == id && job.at("status") == "completed";
    }
    EXPECT_TRUE(heard);
  }
}

// SIGTERM stops every thread within the grace: requests waiting on any of them are answered
// with the job as it stands, and the process exits 0.
TEST(ServerThreads, SigtermStopsEveryThreadAndAnswersItsWaiters) {
  constexpr int waiters = 6;
  RedisServer redis;
  auto server = threaded_server(redis, 3);
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < waiters; ++c) {
    threads.emplace_back([&] {
      HttpClient client(server->port());
      const std::string id = client.submit(R"({"type":"echo"})");  // no worker: stays queued
      const HttpReply r = client.get("/jobs/" + id + "?wait_ms=20000");
      if (r.status == 200 && r.json().at("status") == "queued") ++answered;
    });
  }
  std::this_thread::sleep_for(500ms);
  server->process().signal(SIGTERM);
  EXPECT_EQ(server->process().wait_exit(15s), 0) << server->process().output();
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered, waiters);
}

// A worker of two threads: two workers in /workers with half the concurrency each, both taking
// jobs, every job run once, and SIGTERM stops both.
TEST(WorkerThreads, TwoThreadsShareTheConcurrencyAndRunEveryJobOnce) {
  constexpr int jobs = 400;
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url(), "--workers", "0"});
  WorkerProcess worker(redis.url(), {"--threads", "2", "--concurrency", "8", "--id", "wt"});
  HttpClient client(server.port());
  ASSERT_TRUE(wait_until([&] { return client.get("/workers").json().at("count") == 2; }, 10s));
  std::set<std::string> ids;
  const boost::json::value listed = client.get("/workers").json();
  for (const auto& w : listed.at("workers").as_array()) {
    ids.insert(boost::json::value_to<std::string>(w.at("id")));
    EXPECT_EQ(w.at("concurrency"), 4);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"wt-t1", "wt-t2"}));

  std::vector<std::vector<std::string>> submitted(1);
  for (int i = 0; i < jobs; ++i) {
    submitted[0].push_back(client.submit(R"({"type":"sleep","payload":{"ms":5}})"));
  }
  EXPECT_EQ(expect_all_complete(client, submitted), static_cast<std::size_t>(jobs));
  worker.process().signal(SIGTERM);
  ASSERT_EQ(worker.process().wait_exit(15s), 0) << worker.process().output();

  const auto starts = starts_by_job({&worker.process()});
  EXPECT_EQ(starts.size(), static_cast<std::size_t>(jobs));
  for (const auto& [id, n] : starts) EXPECT_EQ(n, 1) << id;
  std::map<std::string, int> runs_by_thread;
  for (const auto& e : worker.process().events("job.finish")) {
    ++runs_by_thread[boost::json::value_to<std::string>(e.at("worker"))];
  }
  EXPECT_GT(runs_by_thread["wt-t1"], 0);
  EXPECT_GT(runs_by_thread["wt-t2"], 0);
  EXPECT_EQ(worker.process().count_events("worker.stopped"), 2u);
}

TEST(WorkerThreads, MoreThreadsThanConcurrencyIsRefused) {
  ChildProcess worker(COQUEUE_WORKER_BIN, {"--threads", "4", "--concurrency", "2"});
  EXPECT_EQ(worker.wait_exit(10s), 2);
  EXPECT_NE(worker.output().find("--threads must be at most --concurrency"), std::string::npos)
      << worker.output();
}

}  // namespace
}  // namespace coqueue::test
