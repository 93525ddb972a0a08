// Round trips against a live redis-server: N coroutines on one connection (N requests in
// flight), each running GET/SET/LPUSH in a loop. Needs COQUEUE_BENCH_REDIS_URL; without it these
// benchmarks skip. scripts/bench-redis.sh starts a redis-server, runs them, and runs
// redis-benchmark with the same number in flight, for the ratio.

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/redis/connection.hpp"

namespace {

using namespace coqueue;
using namespace coqueue::redis;

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

awaitable<void> client_loop(Connection& conn, std::string command, std::int64_t ops,
                            std::int64_t& failures, std::int64_t& finished) {
  const std::string value(3, 'x');  // redis-benchmark's default value size is 3 bytes
  for (std::int64_t i = 0; i < ops; ++i) {
    Request r;
    if (command == "SET") {
      r.push("SET", "key:__rand_int__", value);
    } else if (command == "GET") {
      r.push("GET", "key:__rand_int__");
    } else {
      r.push("LPUSH", "mylist", value);
    }
    const ExecResult result = co_await conn.exec(std::move(r));
    if (!result) ++failures;
  }
  ++finished;
}

// `connections` connections, each with `per_connection` coroutines (requests in flight).
void run_round_trips(benchmark::State& state, const char* command, std::int64_t connections,
                     std::int64_t per_connection) {
  const char* url = std::getenv("COQUEUE_BENCH_REDIS_URL");
  if (url == nullptr) {
    state.SkipWithError("set COQUEUE_BENCH_REDIS_URL (scripts/bench-redis.sh does)");
    return;
  }
  const std::int64_t loops = connections * per_connection;
  const std::int64_t ops_per_loop = 20'000 / loops;
  asio::io_context io(1);
  const Config config = std::get<Config>(parse_url(url));
  std::vector<std::unique_ptr<Connection>> conns;
  for (std::int64_t c = 0; c < connections; ++c) {
    conns.push_back(std::make_unique<Connection>(io.get_executor(), config));
    conns.back()->start();
  }
  std::int64_t failures = 0;
  double cpu = 0;
  for (auto _ : state) {
    const double cpu_before = process_cpu_seconds();
    std::int64_t finished = 0;
    for (auto& conn : conns) {
      for (std::int64_t i = 0; i < per_connection; ++i) {
        asio::co_spawn(io, client_loop(*conn, command, ops_per_loop, failures, finished),
                       asio::detached);
      }
    }
    io.restart();
    while (finished < loops) io.run_one();  // the connections' own timers keep io busy
    cpu += process_cpu_seconds() - cpu_before;
  }
  std::uint64_t writes = 0, requests = 0;
  for (auto& conn : conns) {
    writes += conn->metrics().writes;
    requests += conn->metrics().requests;
    conn->close();
  }
  const auto ops = state.iterations() * ops_per_loop * loops;
  state.SetItemsProcessed(ops);
  state.counters["client_cpu_us_per_op"] = cpu * 1e6 / static_cast<double>(ops);
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["writes_per_op"] = static_cast<double>(writes) / static_cast<double>(requests);
}

// N requests in flight on one connection (compare: redis-benchmark -c 1 -P N).
void BM_RedisSet(benchmark::State& s) {
  run_round_trips(s, "SET", 1, s.range(0));
}
void BM_RedisGet(benchmark::State& s) {
  run_round_trips(s, "GET", 1, s.range(0));
}
void BM_RedisLpush(benchmark::State& s) {
  run_round_trips(s, "LPUSH", 1, s.range(0));
}
// C connections with one request in flight each (compare: redis-benchmark -c C -P 1).
void BM_RedisSetConnections(benchmark::State& s) {
  run_round_trips(s, "SET", s.range(0), 1);
}
BENCHMARK(BM_RedisSet)->Arg(1)->Arg(10)->Arg(50)->Arg(100)->UseRealTime();
BENCHMARK(BM_RedisGet)->Arg(1)->Arg(10)->Arg(50)->Arg(100)->UseRealTime();
BENCHMARK(BM_RedisLpush)->Arg(1)->Arg(10)->Arg(50)->Arg(100)->UseRealTime();
BENCHMARK(BM_RedisSetConnections)->Arg(10)->Arg(50)->UseRealTime();

}  // namespace
