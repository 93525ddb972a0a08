#include <benchmark/benchmark.h>

#include "server/router.hpp"

namespace {

void BM_RouteGetJob(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(coqueue::server::route(coqueue::server::Method::get,
                                                    "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858"));
  }
}
BENCHMARK(BM_RouteGetJob);

}  // namespace
