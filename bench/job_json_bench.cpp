#include <benchmark/benchmark.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/job.hpp"
#include "core/job/job_spec.hpp"

namespace {

const char* submit_body =
    R"({"type": "echo", "payload": {"user": 42, "items": ["a", "b", "c"]}, "queue": "default",
        "max_attempts": 3, "timeout_ms": 30000, "idempotency_key": "order-42"})";

// What POST /jobs does before the broker: parse the body and check every field.
void BM_ParseSubmitBody(benchmark::State& state) {
  for (auto _ : state) {
    const boost::json::value body = boost::json::parse(submit_body);
    benchmark::DoNotOptimize(coqueue::parse_job_spec(body));
  }
}
BENCHMARK(BM_ParseSubmitBody);

coqueue::Job finished_job() {
  coqueue::Job job;
  job.id = "01a20402-5c32-7167-a3ee-39d8ffc0e858";
  job.queue = "default";
  job.type = "echo";
  job.payload = boost::json::parse(R"({"user": 42, "items": ["a", "b", "c"]})");
  job.status = coqueue::JobStatus::completed;
  job.attempts = 1;
  job.created_at = std::chrono::system_clock::now();
  job.started_at = job.created_at;
  job.finished_at = job.created_at;
  job.result = job.payload;
  job.worker = "embedded-abc123";
  return job;
}

// The job record as JSON text, through a JSON object (lists of jobs are built this way).
void BM_SerializeJob(benchmark::State& state) {
  const coqueue::Job job = finished_job();
  for (auto _ : state) benchmark::DoNotOptimize(boost::json::serialize(coqueue::to_json(job)));
}
BENCHMARK(BM_SerializeJob);

// What GET /jobs/<id> does after the broker: the same text, written directly.
void BM_SerializeJobText(benchmark::State& state) {
  const coqueue::Job job = finished_job();
  for (auto _ : state) benchmark::DoNotOptimize(coqueue::to_json_text(job));
}
BENCHMARK(BM_SerializeJobText);

}  // namespace
