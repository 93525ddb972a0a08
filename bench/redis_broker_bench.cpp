// The Redis broker against a live redis-server: enqueue throughput, and draining a queue filled
// in advance with no-op jobs (claim, then complete), with K coroutines at once in one process.
// Needs COQUEUE_BENCH_REDIS_URL (scripts/bench-queue.sh sets it); skips without it.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/queue/redis_broker.hpp"

namespace {

using namespace coqueue;

std::optional<RedisBrokerSettings> settings_from_env(benchmark::State& state) {
  const char* url = std::getenv("COQUEUE_BENCH_REDIS_URL");
  if (url == nullptr) {
    state.SkipWithError("set COQUEUE_BENCH_REDIS_URL (scripts/bench-queue.sh does)");
    return std::nullopt;
  }
  RedisBrokerSettings s;
  s.redis = std::get<redis::Config>(redis::parse_url(url));
  s.run_recoverer = false;
  return s;
}

// With `delayed`, the jobs are due 100 to 300 ms from now, and carry their due time.
awaitable<void> enqueue_loop(RedisBroker& broker, std::string queue, std::int64_t n,
                             std::int64_t& finished, bool delayed = false) {
  for (std::int64_t i = 0; i < n; ++i) {
    JobSpec spec;
    spec.type = "echo";
    spec.queue = queue;
    if (delayed) {
      spec.delay_ms = 100 + (i * 200) / n;
      const auto due = std::chrono::system_clock::now() + std::chrono::milliseconds(spec.delay_ms);
      spec.payload = {
          {"due_us",
           std::chrono::duration_cast<std::chrono::microseconds>(due.time_since_epoch()).count()}};
    }
    co_await broker.enqueue(std::move(spec));
  }
  ++finished;
}

awaitable<void> drain_loop(RedisBroker& broker, std::string queue, std::string worker,
                           std::int64_t& done, std::int64_t& finished) {
  const std::vector<std::string> queues{queue};
  for (;;) {
    std::optional<Job> job = co_await broker.claim(queues, worker, std::chrono::milliseconds(0));
    if (!job) break;
    boost::json::value result = nullptr;
    co_await broker.complete(job->id, worker, std::move(result));
    ++done;
  }
  ++finished;
}

void run_loops(asio::io_context& io, std::int64_t& finished, std::int64_t loops) {
  io.restart();
  while (finished < loops) io.run_one();  // the broker's own timers keep io busy
}

// Jobs enqueued per second, K coroutines each submitting its share.
void BM_RedisBrokerEnqueue(benchmark::State& state) {
  auto settings = settings_from_env(state);
  if (!settings) return;
  const std::int64_t loops = state.range(0);
  constexpr std::int64_t jobs = 20'000;
  asio::io_context io(1);
  RedisBroker broker(io.get_executor(), *settings);
  broker.start();
  int round = 0;
  for (auto _ : state) {
    const std::string queue = "bench-enqueue-" + std::to_string(round++);
    std::int64_t finished = 0;
    for (std::int64_t i = 0; i < loops; ++i) {
      asio::co_spawn(io, enqueue_loop(broker, queue, jobs / loops, finished), asio::detached);
    }
    run_loops(io, finished, loops);
  }
  state.SetItemsProcessed(state.iterations() * (jobs / loops) * loops);
  broker.close();
}
BENCHMARK(BM_RedisBrokerEnqueue)->Arg(1)->Arg(10)->Arg(100)->UseRealTime()->Iterations(3);

// No-op jobs drained per second from a queue filled in advance (the filling is not timed).
void BM_RedisBrokerDrain(benchmark::State& state) {
  auto settings = settings_from_env(state);
  if (!settings) return;
  const std::int64_t loops = state.range(0);
  constexpr std::int64_t jobs = 20'000;
  asio::io_context io(1);
  RedisBroker broker(io.get_executor(), *settings);
  broker.start();
  int round = 0;
  std::int64_t drained = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string queue = "bench-drain-" + std::to_string(round++);
    std::int64_t filled = 0;
    for (int i = 0; i < 100; ++i) {
      asio::co_spawn(io, enqueue_loop(broker, queue, jobs / 100, filled), asio::detached);
    }
    run_loops(io, filled, 100);
    state.ResumeTiming();
    std::int64_t finished = 0;
    for (std::int64_t i = 0; i < loops; ++i) {
      asio::co_spawn(io, drain_loop(broker, queue, "bench-worker", drained, finished),
                     asio::detached);
    }
    run_loops(io, finished, loops);
  }
  state.SetItemsProcessed(drained);
  broker.close();
}
BENCHMARK(BM_RedisBrokerDrain)->Arg(1)->Arg(10)->Arg(100)->UseRealTime()->Iterations(3);

// How late delayed jobs run: jobs due 100 to 300 ms after they are enqueued, claimed by one
// waiting claimer; lateness is claim time minus due time (the forwarder promotes every 50 ms).
awaitable<void> claim_delayed(RedisBroker& broker, std::string queue, std::int64_t jobs,
                              std::vector<double>& lateness_ms) {
  const std::vector<std::string> queues{queue};
  while (static_cast<std::int64_t>(lateness_ms.size()) < jobs) {
    std::optional<Job> job = co_await broker.claim(queues, "bench-delay", std::chrono::seconds(2));
    if (!job) continue;
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    const std::int64_t due_us = job->payload.at("due_us").as_int64();
    lateness_ms.push_back(static_cast<double>(now_us - due_us) / 1000.0);
    boost::json::value result = nullptr;
    co_await broker.complete(job->id, "bench-delay", std::move(result));
  }
}

void BM_RedisBrokerDelayLateness(benchmark::State& state) {
  auto settings = settings_from_env(state);
  if (!settings) return;
  constexpr std::int64_t jobs = 200;
  asio::io_context io(1);
  RedisBroker broker(io.get_executor(), *settings);
  broker.start();
  int round = 0;
  std::vector<double> all;
  for (auto _ : state) {
    const std::string queue = "bench-delay-" + std::to_string(round++);
    std::int64_t filled = 0;
    asio::co_spawn(io, enqueue_loop(broker, queue, jobs, filled, /*delayed=*/true), asio::detached);
    std::vector<double> lateness;
    bool done = false;
    asio::co_spawn(io, claim_delayed(broker, queue, jobs, lateness),
                   [&](std::exception_ptr) { done = true; });
    io.restart();
    while (!done) io.run_one();
    all.insert(all.end(), lateness.begin(), lateness.end());
  }
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    double sum = 0;
    for (const double v : all) sum += v;
    state.counters["late_mean_ms"] = sum / static_cast<double>(all.size());
    state.counters["late_p99_ms"] = all[all.size() * 99 / 100];
    state.counters["late_max_ms"] = all.back();
  }
  broker.close();
}
BENCHMARK(BM_RedisBrokerDelayLateness)->UseRealTime()->Iterations(2);

}  // namespace
