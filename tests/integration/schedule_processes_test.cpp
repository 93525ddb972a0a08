// Periodic schedules with real processes: four worker processes and a server on one
// redis-server; a schedule that fires every second for a minute gives one job per tick, never
// two, whichever worker fires it, when the one that fired last is killed -9, and across an
// edit of the schedule.

#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/support/time.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

std::int64_t tick_of(const boost::json::object& job) {
  const std::string key(job.at("idempotency_key").as_string());  // schedule:<name>:<ms>
  return std::stoll(key.substr(key.rfind(':') + 1));
}

std::int64_t millis(const boost::json::value& rfc3339) {
  // "2026-11-23T01:02:03.456Z"
  const std::string t(rfc3339.as_string());
  std::tm tm{};
  strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + std::stoll(t.substr(20, 3));
}

TEST(ScheduleProcesses, EachTickFiresOnceAcrossFourWorkersAKillAndAnEdit) {
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  std::vector<std::unique_ptr<WorkerProcess>> workers;
  for (int i = 0; i < 4; ++i) {
    workers.push_back(std::make_unique<WorkerProcess>(
        redis.url(), std::vector<std::string>{"--queues", "ticks", "--id",
                                              std::string("w").append(std::to_string(i))}));
  }
  HttpClient http(server.port());
  const auto put = [&](int phase) {
    std::string body = R"({"cron": "* * * * * *", "job": {"type": "echo", "queue": "ticks", )";
    body.append(R"("payload": {"phase": )").append(std::to_string(phase)).append("}}}");
    return http.request("PUT", "/schedules/heartbeat", body);
  };

  ASSERT_EQ(put(1).status, 201u);
  const auto started = std::chrono::system_clock::now();

  // 20 s in: kill -9 the worker that fired the last tick.
  std::this_thread::sleep_for(20s);
  const auto schedule = http.get("/schedules/heartbeat").json().as_object();
  const std::string last_job(schedule.at("last_job_id").as_string());
  WorkerProcess* firer = nullptr;
  for (auto& w : workers) {
    for (const auto& fired : w->process().events("schedule.fired")) {
      if (fired.at("job_id").as_string() == last_job) firer = w.get();
    }
  }
  ASSERT_NE(firer, nullptr) << "no worker logged firing " << last_job;
  const std::int64_t killed_after_tick = millis(schedule.at("last_fired_at"));
  firer->process().signal(SIGKILL);

  // 40 s in: the job changes; the next tick submits the new one.
  std::this_thread::sleep_for(20s);
  ASSERT_EQ(put(2).status, 200u);
  const std::int64_t edited_at = unix_millis(std::chrono::system_clock::now());

  std::this_thread::sleep_for(started + 61s - std::chrono::system_clock::now());
  ASSERT_EQ(http.request("POST", "/schedules/heartbeat/pause").status, 200u);

  std::vector<boost::json::object> jobs;
  for (std::optional<std::string> cursor;;) {
    std::string target = "/jobs?queue=ticks&limit=500";
    if (cursor) target.append("&cursor").append("=").append(*cursor);
    const auto page = http.get(target).json();
    for (const auto& j : page.at("jobs").as_array()) jobs.push_back(j.as_object());
    if (page.at("next_cursor").is_null()) break;
    cursor = std::string(page.at("next_cursor").as_string());
  }
  std::map<std::int64_t, int> per_tick;
  for (const auto& j : jobs) ++per_tick[tick_of(j)];
  for (const auto& [tick, n] : per_tick) EXPECT_EQ(n, 1) << "tick " << tick << " fired " << n;

  // One job per second for the minute: 60, give or take the tick at either end.
  const std::int64_t first = per_tick.begin()->first;
  std::size_t in_minute = 0;
  for (const auto& [tick, n] : per_tick) {
    if (tick < first + 60'000) ++in_minute;
  }
  EXPECT_GE(in_minute, 59u);
  EXPECT_LE(in_minute, 61u);
  // No second without its tick, from the first to the last.
  std::int64_t previous = first - 1000;
  for (const auto& [tick, n] : per_tick) {
    EXPECT_EQ(tick - previous, 1000) << "a gap before tick " << tick;
    previous = tick;
  }

  for (const auto& j : jobs) {
    const std::int64_t tick = tick_of(j);
    // On time: each job was submitted within a second of its tick, the one after the kill too.
    const std::int64_t late = millis(j.at("created_at")) - tick;
    EXPECT_LT(late, 1000) << "tick " << tick
                          << (tick == killed_after_tick + 1000 ? " (after the kill)" : "");
    // Phase 1 before the edit, phase 2 from the first tick after it.
    const std::int64_t phase = j.at("payload").at("phase").as_int64();
    if (tick < edited_at - 1000) {
      EXPECT_EQ(phase, 1) << tick;
    }
    if (tick > edited_at) {
      EXPECT_EQ(phase, 2) << tick;
    }
  }
  EXPECT_TRUE(per_tick.contains(killed_after_tick + 1000)) << "the tick after the kill";
}

}  // namespace
}  // namespace coqueue::test
