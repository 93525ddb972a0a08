#include <benchmark/benchmark.h>

#include "core/job/job_id.hpp"

namespace {

void BM_JobIdNext(benchmark::State& state) {
  coqueue::JobIdGenerator ids;
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(ids.next(now, "default"));
}
BENCHMARK(BM_JobIdNext);

void BM_IsJobId(benchmark::State& state) {
  const std::string id = "01a20402-5c32-7167-a3ee-39d8ffc0e858";
  for (auto _ : state) benchmark::DoNotOptimize(coqueue::is_job_id(id));
}
BENCHMARK(BM_IsJobId);

}  // namespace
