// The queue's guarantees with real processes: coqueue-server processes as producers and
// coqueue-worker processes as consumers, sharing one private redis-server. Each worker logs every
// run's job.start and job.finish (JSON at debug), which the tests hold against the job records.

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/value_to.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string str(const boost::json::value& v) {
  return boost::json::value_to<std::string>(v);
}

std::unique_ptr<ServerProcess> redis_server_process(const RedisServer& redis) {
  return std::make_unique<ServerProcess>(
      std::vector<std::string>{"--backend", "redis", "--redis", redis.url(), "--workers", "0"});
}

std::int64_t total(HttpClient& client, const char* status) {
  return client.get("/queues").json().at("totals").at(status).as_int64();
}

TEST(QueueProcesses, FourProducersAndFourWorkersRunEveryJobExactlyOnce) {
  constexpr int producers = 4;
  constexpr int jobs_each = 5000;
  RedisServer redis;
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < producers; ++i) servers.push_back(redis_server_process(redis));
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  for (int i = 0; i < 4; ++i) {
    workers.push_back(std::make_unique<WorkerProcess>(
        redis.url(), std::vector<std::string>{"--concurrency", "16"}));
  }

  // Every producer submits at once while the workers drain.
  std::vector<std::vector<std::string>> ids(producers);
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      HttpClient client(servers[p]->port());
      for (int i = 0; i < jobs_each; ++i) {
        ids[p].push_back(client.submit(R"({"type":"echo","payload":{"p":)" + std::to_string(p) +
                                       R"(,"i":)" + std::to_string(i) + "}}"));
      }
    });
  }
  for (auto& t : threads) t.join();

  HttpClient reader(servers[0]->port());
  ASSERT_TRUE(wait_until([&] { return total(reader, "completed") == producers * jobs_each; }, 120s))
      << "completed: " << total(reader, "completed");
  for (auto& w : workers) {
    w->process().signal(SIGTERM);
    EXPECT_EQ(w->process().wait_exit(20s), 0);
  }

  std::vector<const ChildProcess*> logs;
  for (auto& w : workers) logs.push_back(&w->process());
  const std::map<std::string, int> starts = starts_by_job(logs);
  std::set<std::string> all;
  for (const auto& list : ids) all.insert(list.begin(), list.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(producers * jobs_each));  // ids are unique
  EXPECT_EQ(starts.size(), all.size());
  int twice = 0;
  for (const auto& [id, n] : starts) {
    EXPECT_TRUE(all.contains(id)) << id;
    twice += n != 1;
  }
  EXPECT_EQ(twice, 0) << "jobs started more than once";
  // The records agree with the workers: one attempt each, all completed, none left behind.
  for (const auto& list : ids) {
    for (std::size_t i = 0; i < list.size(); i += 97) {  // a sample spread over every producer
      const auto job = reader.get("/jobs/" + list[i]).json();
      EXPECT_EQ(job.at("status"), "completed");
      EXPECT_EQ(job.at("attempts"), 1);
    }
  }
  EXPECT_EQ(total(reader, "queued"), 0);
  EXPECT_EQ(total(reader, "processing"), 0);
  EXPECT_EQ(redis.command("LLEN cq:{default}:pending"), ":0\r\n");
}

TEST(QueueProcesses, AKilledWorkersJobsAreRecoveredAndRunAgainElsewhere) {
  RedisServer redis;
  auto server = redis_server_process(redis);
  HttpClient client(server->port());
  auto doomed = std::make_unique<WorkerProcess>(
      redis.url(), std::vector<std::string>{"--concurrency", "8", "--lease", "2s"});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(client.submit(R"({"type":"sleep","payload":{"ms":600}})"));
  ASSERT_TRUE(wait_until([&] { return doomed->process().count_events("job.start") >= 8; }, 10s));

  doomed->process().signal(SIGKILL);
  ASSERT_TRUE(doomed->process().wait_exit(5s));
  const auto started = starts_by_job({&doomed->process()});
  const auto finished = finished_ids(doomed->process());
  std::set<std::string> cut_off;
  for (const auto& [id, n] : started) {
    if (!finished.contains(id)) cut_off.insert(id);
  }
  ASSERT_FALSE(cut_off.empty());  // it died holding jobs

  WorkerProcess rescuer(redis.url(), {"--concurrency", "8", "--lease", "2s"});
  ASSERT_TRUE(wait_until([&] { return total(client, "completed") == 20; }, 30s));
  // Each rerun of a cut-off job reports how long it waited from the lost run's last sign of
  // life: about a lease (the dead worker's heartbeat running out) plus a recoverer pass.
  const auto recovered = rescuer.process().events("job.recovered");
  EXPECT_EQ(recovered.size(), cut_off.size());
  for (const auto& e : recovered) {
    EXPECT_TRUE(cut_off.contains(str(e.at("job_id"))));
    const auto ms = e.at("recovery_ms").as_int64();
    EXPECT_GT(ms, 0);
    EXPECT_LT(ms, 20'000);
    RecordProperty("recovery_ms", static_cast<int>(ms));
  }
  const auto all_starts = starts_by_job({&doomed->process(), &rescuer.process()});
  for (const std::string& id : ids) {
    const auto job = client.get("/jobs/" + id).json();
    EXPECT_EQ(job.at("status"), "completed") << id;
    const int runs = all_starts.contains(id) ? all_starts.at(id) : 0;
    // At most twice, and twice only when the first run was cut off by the kill.
    EXPECT_EQ(runs, cut_off.contains(id) ? 2 : 1) << id;
    EXPECT_EQ(job.at("attempts").as_int64(), runs) << id;
    if (cut_off.contains(id)) {
      EXPECT_EQ(str(job.at("worker")), rescuer.id());
    }
  }
}

TEST(QueueProcesses, AWorkerPausedPastItsLeaseCannotOverwriteItsSuccessor) {
  RedisServer redis;
  auto server = redis_server_process(redis);
  HttpClient client(server->port());
  WorkerProcess paused(redis.url(), {"--concurrency", "1", "--lease", "1s"});
  const std::string id = client.submit(R"({"type":"sleep","payload":{"ms":1500}})");
  ASSERT_TRUE(paused.process().wait_for_line("\"job.start\"", 5s));
  paused.process().signal(SIGSTOP);

  // Its lease runs out; another worker takes the job over.
  WorkerProcess successor(redis.url(), {"--concurrency", "1", "--lease", "1s"});
  ASSERT_TRUE(successor.process().wait_for_line("\"job.start\"", 10s));
  paused.process().signal(SIGCONT);  // its run ends at once (its sleep is long over) and reports

  ASSERT_TRUE(paused.process().wait_for_line("_dropped\"", 5s)) << paused.process().output();
  const auto meanwhile = client.get("/jobs/" + id).json();
  EXPECT_EQ(meanwhile.at("status"), "processing");  // the successor's run goes on, untouched
  EXPECT_EQ(str(meanwhile.at("worker")), successor.id());

  ASSERT_TRUE(wait_until([&] { return total(client, "completed") == 1; }, 10s));
  const auto done = client.get("/jobs/" + id).json();
  EXPECT_EQ(str(done.at("worker")), successor.id());
  EXPECT_EQ(done.at("attempts"), 2);
  EXPECT_EQ(successor.process().count_events("job.finish"), 1u);
}

// Submissions that wait for their job's end, on Redis with a worker process: each is answered
// with its own ended job, whichever order the jobs end in.
TEST(QueueProcesses, SubmissionsThatWaitGetTheirOwnEndedJob) {
  RedisServer redis;
  auto server = redis_server_process(redis);
  WorkerProcess worker(redis.url(), {"--concurrency", "16"});
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(server->port());
      for (int i = 0; i < 25; ++i) {
        const std::string tag = std::to_string(c) + "-" + std::to_string(i);
        // Every fifth job sleeps, so the jobs end out of order.
        const std::string body = i % 5 == 0
                                     ? std::string(R"({"type":"sleep","payload":{"ms":30}})")
                                     : "{\"type\":\"echo\",\"payload\":{\"tag\":\"" + tag + "\"}}";
        const HttpReply r = client.post_json("/jobs?wait_ms=10000", body);
        if (r.status != 200) continue;
        const auto job = r.json();
        if (job.at("status") != "completed") continue;
        if (i % 5 == 0 ? job.at("type") == "sleep" : str(job.at("result").at("tag")) == tag) {
          ++good;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), 200);
}

TEST(QueueProcesses, SigtermHandsUnfinishedRunsBackAndLosesNothing) {
  RedisServer redis;
  auto server = redis_server_process(redis);
  HttpClient client(server->port());
  WorkerProcess stopping(redis.url(), {"--concurrency", "4", "--grace", "300ms"});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(client.submit(R"({"type":"sleep","payload":{"ms":3000}})"));
  for (int i = 0; i < 4; ++i) ids.push_back(client.submit(R"({"type":"echo","payload":{}})"));
  ASSERT_TRUE(wait_until([&] { return stopping.process().count_events("job.start") >= 4; }, 10s));
  stopping.process().signal(SIGTERM);
  EXPECT_EQ(stopping.process().wait_exit(10s), 0);
  EXPECT_EQ(redis.command("SCARD cq:{default}:workers"), ":0\r\n");  // it left

  WorkerProcess next(redis.url(), {"--concurrency", "8"});
  ASSERT_TRUE(wait_until([&] { return total(client, "completed") == 8; }, 20s));
  for (const std::string& id : ids) {
    const auto job = client.get("/jobs/" + id).json();
    EXPECT_EQ(job.at("status"), "completed");
    EXPECT_EQ(job.at("attempts"), 1);  // a handed-back run does not count
  }
}

// With appendfsync always, Redis writes a job to disk before POST /jobs answers 202, so a crash
// of Redis (SIGKILL: nothing flushed on the way out) loses no acknowledged job.
TEST(QueueProcesses, WithAppendfsyncAlwaysACrashOfRedisLosesNoAcknowledgedJob) {
  RedisServer redis({"--appendonly", "yes", "--appendfsync", "always"});
  auto server = redis_server_process(redis);
  std::vector<std::vector<std::string>> acked(4);
  std::atomic<bool> crashed{false};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      HttpClient client(server->port());
      for (int i = 0; i < 100'000; ++i) {
        const HttpReply r = client.post_json(
            "/jobs", R"({"type":"echo","payload":{"i":)" + std::to_string(i) + "}}");
        if (r.status != 202) {
          EXPECT_EQ(r.status, 503u) << r.body;  // Redis is gone: a clear 503, nothing else
          EXPECT_TRUE(crashed);
          return;
        }
        acked[p].push_back(str(r.json().at("id")));
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  crashed = true;
  redis.crash();
  for (auto& t : producers) t.join();
  redis.restart();  // replays the append-only file

  WorkerProcess worker(redis.url(), {"--concurrency", "16"});
  HttpClient client(server->port());
  const std::size_t total_acked = expect_all_complete(client, acked);
  EXPECT_GT(total_acked, 100u);  // the crash came under load
  RecordProperty("acknowledged_jobs", static_cast<int>(total_acked));
}

// Redis restarted (cleanly) under load, with two servers and two workers: every request is
// either answered as usual or refused with a clear 503 and Retry-After, and every job a client
// was told was accepted completes; with appendfsync always and everysec (a clean shutdown
// syncs the file either way).
class RedisRestart : public ::testing::TestWithParam<const char*> {};
INSTANTIATE_TEST_SUITE_P(QueueProcesses, RedisRestart, ::testing::Values("always", "everysec"));

TEST_P(RedisRestart, UnderLoadLosesNoAcceptedJob) {
  RedisServer redis({"--appendonly", "yes", "--appendfsync", GetParam()});
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < 2; ++i) servers.push_back(redis_server_process(redis));
  WorkerProcess w1(redis.url(), {"--concurrency", "8"});
  WorkerProcess w2(redis.url(), {"--concurrency", "8"});

  std::atomic<bool> stop{false};
  std::vector<std::vector<std::string>> accepted(4);
  std::vector<int> refused(4, 0);
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      HttpClient client(servers[p % 2]->port());
      for (int i = 0; !stop; ++i) {
        const HttpReply r = client.post_json(
            "/jobs", R"({"type":"echo","payload":{"i":)" + std::to_string(i) + "}}");
        if (r.status == 202) {
          accepted[p].push_back(str(r.json().at("id")));
        } else {
          ASSERT_EQ(r.status, 503u) << r.body;
          EXPECT_EQ(r.error_code(), "backend_unavailable");
          EXPECT_EQ(r.headers.at("retry-after"), "1");
          ++refused[p];
          std::this_thread::sleep_for(10ms);
        }
      }
    });
  }
  std::this_thread::sleep_for(500ms);
  redis.restart();  // a clean stop, then the append-only file is replayed
  std::this_thread::sleep_for(1000ms);
  stop = true;
  for (auto& t : producers) t.join();

  HttpClient reader(servers[1]->port());
  const std::size_t total = expect_all_complete(reader, accepted);
  EXPECT_GT(total, 100u);
  RecordProperty("accepted", static_cast<int>(total));
  RecordProperty("refused_503", refused[0] + refused[1] + refused[2] + refused[3]);
}

// The deployment of docs/deployment.md in small: two servers, three workers. Jobs are submitted
// on one server and waited for on the other (woken by pub/sub), while one worker is stopped with
// SIGTERM under load: nothing is lost, and nothing runs twice.
TEST(QueueProcesses, TwoServersThreeWorkersAndAWorkerStoppedUnderLoad) {
  RedisServer redis;
  auto a = redis_server_process(redis);
  auto b = redis_server_process(redis);
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(std::make_unique<WorkerProcess>(
        redis.url(), std::vector<std::string>{"--concurrency", "8", "--grace", "5s"}));
  }
  std::atomic<int> waited_ok{0};
  std::vector<std::string> ids;
  std::mutex ids_mutex;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      HttpClient submit_on(a->port());
      HttpClient wait_on(b->port());
      for (int i = 0; i < 150; ++i) {
        // Short sleeps, so the stopped worker has runs in flight when the signal comes.
        const std::string id = submit_on.submit(R"({"type":"sleep","payload":{"ms":)" +
                                                std::to_string(1 + (i + c) % 5) + "}}");
        {
          std::lock_guard lock(ids_mutex);
          ids.push_back(id);
        }
        const auto job = wait_on.get("/jobs/" + id + "?wait_ms=10000").json();
        if (job.at("status") == "completed") ++waited_ok;
      }
    });
  }
  std::this_thread::sleep_for(300ms);
  workers[0]->process().signal(SIGTERM);
  EXPECT_EQ(workers[0]->process().wait_exit(10s), 0);
  for (auto& t : clients) t.join();

  EXPECT_EQ(waited_ok, 8 * 150);  // each wait on B ended with the completion, none timed out
  for (std::size_t i = 1; i < workers.size(); ++i) {
    workers[i]->process().signal(SIGTERM);
    EXPECT_EQ(workers[i]->process().wait_exit(10s), 0);
  }
  std::vector<const ChildProcess*> logs;
  for (auto& w : workers) logs.push_back(&w->process());
  const auto starts = starts_by_job(logs);
  EXPECT_EQ(starts.size(), ids.size());
  int twice = 0;
  for (const auto& [id, n] : starts) twice += n != 1;
  EXPECT_EQ(twice, 0);
  EXPECT_GT(workers[0]->process().count_events("job.finish"), 0u);  // it did work before it left
}

}  // namespace
}  // namespace coqueue::test
