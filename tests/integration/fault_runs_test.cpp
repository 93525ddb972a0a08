// Faults under load with real processes: Redis killed for seconds, workers killed again and
// again, a server killed while clients wait on it. What a client was told was accepted must
// complete, and complete once. These runs take seconds each, so they stay out of the sanitizer
// build (label `faults`).

#include <atomic>
#include <csignal>
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

std::unique_ptr<ServerProcess> server_on(const RedisServer& redis) {
  return std::make_unique<ServerProcess>(
      std::vector<std::string>{"--backend", "redis", "--redis", redis.url(), "--workers", "0"});
}

std::string sleep_job(int ms) {
  return R"({"type":"sleep","max_attempts":20,"payload":{"ms":)" + std::to_string(ms) + "}}";
}

std::vector<const ChildProcess*> processes_of(
    const std::vector<std::unique_ptr<WorkerProcess>>& workers) {
  std::vector<const ChildProcess*> out;
  for (const auto& w : workers) out.push_back(&w->process());
  return out;
}

// Every accepted job has exactly one run whose completion the workers logged. A worker logs a
// completion after Redis recorded it, so a worker killed in between leaves a completed job with
// no such line: `unlogged_allowed` names the runs a kill cut off, which may end that way.
// Returns how many did.
int expect_each_completed_once(const std::vector<std::vector<std::string>>& accepted,
                               const std::map<std::string, int>& completions,
                               const std::set<std::string>& unlogged_allowed = {}) {
  int twice = 0;
  int never = 0;
  int unlogged = 0;
  for (const auto& list : accepted) {
    for (const std::string& id : list) {
      const auto found = completions.find(id);
      if (found == completions.end()) {
        if (unlogged_allowed.contains(id)) {
          ++unlogged;
          continue;
        }
        ++never;
        ADD_FAILURE() << id << " has no logged completion";
      } else if (found->second != 1) {
        ++twice;
        ADD_FAILURE() << id << " completed " << found->second << " times";
      }
    }
  }
  EXPECT_EQ(twice, 0);
  EXPECT_EQ(never, 0);
  return unlogged;
}

// Redis dies (SIGKILL: nothing flushed) under load from 4 producers on 2 servers, with 2
// workers, and stays away for 10 s. Meanwhile the servers refuse with 503 and Retry-After what
// they cannot accept; then everything resumes by itself. With appendfsync always, every job a
// client was told was accepted completes, and completes once.
TEST(FaultRuns, RedisKilledForTenSecondsUnderLoadLosesNothingAndCompletesNothingTwice) {
  RedisServer redis({"--appendonly", "yes", "--appendfsync", "always"});
  std::vector<std::unique_ptr<ServerProcess>> servers;
  for (int i = 0; i < 2; ++i) servers.push_back(server_on(redis));
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<WorkerProcess>(
        redis.url(), std::vector<std::string>{"--concurrency", "8"}));
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> redis_down{false};
  std::vector<std::vector<std::string>> accepted(4);
  std::vector<int> refused(4, 0);
  std::vector<int> accepted_after(4, 0);  // accepted once Redis was back
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      HttpClient client(servers[p % 2]->port());
      for (int i = 0; !stop; ++i) {
        const HttpReply r = client.post_json("/jobs", sleep_job(1 + i % 5));
        if (r.status == 202) {
          accepted[p].push_back(boost::json::value_to<std::string>(r.json().at("id")));
          if (!redis_down && refused[p] > 0) ++accepted_after[p];
        } else {
          ASSERT_EQ(r.status, 503u) << r.body;
          EXPECT_EQ(r.error_code(), "backend_unavailable");
          EXPECT_TRUE(r.headers.contains("retry-after"));
          ++refused[p];
          std::this_thread::sleep_for(20ms);
        }
      }
    });
  }
  std::this_thread::sleep_for(1s);
  redis_down = true;
  redis.crash();
  std::this_thread::sleep_for(10s);
  redis.restart();  // replays the append-only file
  redis_down = false;
  std::this_thread::sleep_for(3s);
  stop = true;
  for (auto& t : producers) t.join();

  HttpClient reader(servers[1]->port());
  const std::size_t total = expect_all_complete(reader, accepted);
  int total_refused = 0;
  for (int p = 0; p < 4; ++p) {
    total_refused += refused[p];
    EXPECT_GT(refused[p], 0) << "producer " << p << " was never refused";
    EXPECT_GT(accepted_after[p], 0) << "producer " << p << " was never served again";
  }
  for (auto& s : servers) EXPECT_TRUE(s->process().running());
  for (auto& w : workers) EXPECT_TRUE(w->process().running());
  // Stop the workers so that their logs are complete before they are read.
  for (auto& w : workers) {
    w->process().signal(SIGTERM);
    EXPECT_EQ(w->process().wait_exit(20s), 0);
  }
  expect_each_completed_once(accepted, completions_by_job(processes_of(workers)));
  EXPECT_GT(total, 500u);
  RecordProperty("accepted", static_cast<int>(total));
  RecordProperty("refused_503", total_refused);
}

// Workers are killed with SIGKILL one after another while jobs flow, and replaced: every job
// completes, once, and a job runs more than once only when a killed worker had started it.
TEST(FaultRuns, WorkersKilledInALoopLoseNoJob) {
  constexpr int jobs = 800;
  constexpr int kills = 8;
  RedisServer redis;
  auto server = server_on(redis);
  const std::vector<std::string> worker_args{"--concurrency", "8", "--lease", "1s"};
  std::vector<std::unique_ptr<WorkerProcess>> live;
  std::vector<std::unique_ptr<WorkerProcess>> killed;
  for (int i = 0; i < 3; ++i) {
    live.push_back(std::make_unique<WorkerProcess>(redis.url(), worker_args));
  }

  std::vector<std::vector<std::string>> ids(1);
  std::thread producer([&] {
    HttpClient client(server->port());
    for (int i = 0; i < jobs; ++i) {
      ids[0].push_back(client.submit(sleep_job(20 + (i * 37) % 180)));
      if (i % 100 == 99) std::this_thread::sleep_for(300ms);  // jobs keep coming during kills
    }
  });
  for (int k = 0; k < kills; ++k) {
    std::this_thread::sleep_for(600ms);
    auto& victim = live[k % live.size()];
    victim->process().signal(SIGKILL);
    ASSERT_TRUE(victim->process().wait_exit(5s));
    killed.push_back(std::move(victim));
    victim = std::make_unique<WorkerProcess>(redis.url(), worker_args);
  }
  producer.join();

  HttpClient client(server->port());
  EXPECT_EQ(expect_all_complete(client, ids), static_cast<std::size_t>(jobs));
  for (auto& w : live) {
    w->process().signal(SIGTERM);
    EXPECT_EQ(w->process().wait_exit(20s), 0);
  }
  std::vector<const ChildProcess*> all = processes_of(live);
  for (const auto* p : processes_of(killed)) all.push_back(p);

  std::set<std::string> cut_off;  // started by a killed worker and not finished there
  for (const auto& w : killed) {
    const auto finished = finished_ids(w->process());
    for (const auto& [id, n] : starts_by_job({&w->process()})) {
      if (!finished.contains(id)) cut_off.insert(id);
    }
  }
  EXPECT_FALSE(cut_off.empty());  // the kills did cut runs off
  // Each job read back as completed above; a cut-off run may have completed in Redis just
  // before its worker died, unlogged.
  const int unlogged = expect_each_completed_once(ids, completions_by_job(all), cut_off);
  const auto starts = starts_by_job(all);
  int reruns = 0;
  for (const std::string& id : ids[0]) {
    const int runs = starts.contains(id) ? starts.at(id) : 0;
    EXPECT_GE(runs, 1) << id;
    if (runs > 1) {
      ++reruns;
      EXPECT_TRUE(cut_off.contains(id)) << id << " ran " << runs << " times, never cut off";
    }
    const auto job = client.get("/jobs/" + id).json();
    // A killed worker may die between counting an attempt and logging the start.
    EXPECT_GE(job.at("attempts").as_int64(), runs) << id;
  }
  RecordProperty("workers_killed", kills);
  RecordProperty("runs_cut_off", static_cast<int>(cut_off.size()));
  RecordProperty("jobs_run_again", reruns);
  RecordProperty("completed_by_a_killed_worker_unlogged", unlogged);
}

// A server is killed with SIGKILL while clients wait on it for their jobs (long-poll): each
// client gets an error, not a hang or a made-up answer, and every job still completes and can
// be read from the other server.
TEST(FaultRuns, AServerKilledWhileClientsWaitLosesNoJob) {
  constexpr int clients = 8;
  RedisServer redis;
  auto doomed = server_on(redis);
  auto other = server_on(redis);
  WorkerProcess worker(redis.url(), {"--concurrency", "16"});

  std::vector<std::vector<std::string>> ids(clients);
  std::atomic<int> submitted{0};
  std::atomic<int> errors{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client(doomed->port());
      ids[c].push_back(client.submit(sleep_job(1500)));
      ++submitted;
      try {
        const HttpReply r = client.get("/jobs/" + ids[c][0] + "?wait_ms=20000");
        ++answered;
        ADD_FAILURE() << "a dead server answered " << r.status << " " << r.body;
      } catch (const std::exception&) {
        ++errors;  // the connection was reset or closed: the client knows to look again
      }
    });
  }
  ASSERT_TRUE(wait_until([&] { return submitted == clients; }, 10s));
  std::this_thread::sleep_for(300ms);  // the waits are in place
  doomed->process().signal(SIGKILL);
  ASSERT_TRUE(doomed->process().wait_exit(5s));
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors, clients);
  EXPECT_EQ(answered, 0);

  HttpClient reader(other->port());
  EXPECT_EQ(expect_all_complete(reader, ids), static_cast<std::size_t>(clients));
}

}  // namespace
}  // namespace coqueue::test
