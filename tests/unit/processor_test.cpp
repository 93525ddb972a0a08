// The processor against the memory broker: handlers run, time out, are cancelled, fail and
// retry, and a shutdown runs what is due.

#include "worker/processor.hpp"

#include <gtest/gtest.h>

#include "core/queue/memory_broker.hpp"
#include "tests/support/run_coroutine.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::worker {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

awaitable<boost::json::value> throw_handler(JobContext&) {
  throw std::runtime_error("disk on fire");
  co_return nullptr;
}

class ProcessorTest : public ::testing::Test {
 protected:
  ProcessorTest() : cpu(2) {
    MemoryBrokerSettings settings;
    settings.retry.base = 10ms;
    settings.retry.jitter = 0;
    broker = std::make_unique<MemoryBroker>(io.get_executor(), settings);
    builtin::register_all(registry);
    registry.add({.name = "throws", .run = throw_handler, .check_payload = {}, .summary = ""});
    ProcessorSettings ps;
    ps.worker_id = "test-worker";
    ps.concurrency = 4;
    ps.claim_wait = 50ms;
    processor = std::make_unique<Processor>(io.get_executor(), *broker, registry, cpu, ps);
    processor->start();
  }

  ~ProcessorTest() override { test::run(io, processor->shutdown(Clock::now() + 5s, false)); }

  std::string submit(std::string type, boost::json::value payload, int max_attempts = 3,
                     std::optional<std::int64_t> timeout_ms = {}) {
    JobSpec s;
    s.type = std::move(type);
    s.payload = std::move(payload);
    s.max_attempts = max_attempts;
    s.timeout_ms = timeout_ms;
    return test::run(io, broker->enqueue(std::move(s)))->job.id;
  }

  Job wait_end(const std::string& id, std::chrono::milliseconds limit = 5s) {
    const auto until = Clock::now() + limit;
    for (;;) {
      Job job = *test::run(io, broker->get(id));
      if (is_terminal(job.status) || Clock::now() > until) return job;
      test::run_for(io, 2ms);
    }
  }

  asio::io_context io;
  CpuPool cpu;
  Registry registry;
  std::unique_ptr<MemoryBroker> broker;
  std::unique_ptr<Processor> processor;
};

TEST_F(ProcessorTest, RunsBuiltInJobs) {
  const std::string echo = submit("echo", {{"x", 1}});
  const std::string cpu_job = submit("cpu", {{"iterations", 10'000}});
  const std::string sleep = submit("sleep", {{"ms", 10}});
  EXPECT_EQ(wait_end(echo).result->at("x"), 1);
  const Job burned = wait_end(cpu_job);
  ASSERT_EQ(burned.status, JobStatus::completed);
  EXPECT_EQ(burned.result->at("iterations"), 10'000);
  std::uint64_t x = 0;
  for (int i = 0; i < 10'000; ++i) x = builtin::chain_step(x);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(x));
  EXPECT_EQ(burned.result->at("digest"), hex);  // the work was really done
  EXPECT_EQ(wait_end(sleep).result->at("slept_ms"), 10);
}

TEST_F(ProcessorTest, AThrownErrorFailsTheRunWithItsMessage) {
  const Job job = wait_end(submit("throws", nullptr, 1));
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_EQ(job.error, "disk on fire");
}

TEST_F(ProcessorTest, FailIsRetriedUntilItSucceeds) {
  const Job job = wait_end(submit("fail", {{"times", 2}}, 3));
  EXPECT_EQ(job.status, JobStatus::completed);
  EXPECT_EQ(job.attempts, 3);
  EXPECT_EQ(job.result->at("succeeded_on_attempt"), 3);
}

TEST_F(ProcessorTest, OutOfAttemptsEndsFailed) {
  const Job job = wait_end(submit("fail", nullptr, 2));
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_EQ(job.attempts, 2);
}

TEST_F(ProcessorTest, ATimeoutStopsTheHandlerAndCountsAsAFailedAttempt) {
  const auto start = Clock::now();
  const Job job = wait_end(submit("sleep", {{"ms", 10'000}}, 2, 30));
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_EQ(job.error, "timeout");
  EXPECT_EQ(job.attempts, 2);
  EXPECT_LT(Clock::now() - start, 3s);
}

TEST_F(ProcessorTest, ATimeoutStopsCpuWorkToo) {
  const auto start = Clock::now();
  const Job job = wait_end(submit("cpu", {{"ms", 60'000}}, 1, 50));
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_EQ(job.error, "timeout");
  EXPECT_LT(Clock::now() - start, 5s);
}

TEST_F(ProcessorTest, CancelStopsARunningHandler) {
  const std::string id = submit("sleep", {{"ms", 10'000}});
  while (test::run(io, broker->get(id))->status != JobStatus::processing) test::run_for(io, 1ms);
  const auto start = Clock::now();
  EXPECT_EQ(test::run(io, broker->cancel(id)).outcome, CancelOutcome::cancel_requested);
  const Job job = wait_end(id);
  EXPECT_EQ(job.status, JobStatus::cancelled);
  EXPECT_EQ(job.attempts, 1);
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_F(ProcessorTest, UnknownTypeFails) {
  const Job job = wait_end(submit("no-such-type", nullptr, 1));
  EXPECT_EQ(job.status, JobStatus::failed);
  EXPECT_NE(job.error->find("no-such-type"), std::string::npos);
}

TEST_F(ProcessorTest, ShutdownRunsWhatIsQueuedBeforeReturning) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(submit("sleep", {{"ms", 5}}));
  test::run(io, processor->shutdown(Clock::now() + 10s, /*finish_queued=*/true));
  for (const std::string& id : ids) {
    EXPECT_EQ(test::run(io, broker->get(id))->status, JobStatus::completed);
  }
  EXPECT_EQ(broker->unfinished_jobs(), 0u);
}

TEST_F(ProcessorTest, ShutdownPastItsGraceStopsLongRunsAndHandsThemBack) {
  const std::string id = submit("sleep", {{"ms", 60'000}}, 1);
  while (test::run(io, broker->get(id))->status != JobStatus::processing) test::run_for(io, 1ms);
  const auto start = Clock::now();
  test::run(io, processor->shutdown(Clock::now() + 50ms, false));
  EXPECT_LT(Clock::now() - start, 2s);
  const Job job = *test::run(io, broker->get(id));
  EXPECT_EQ(job.status, JobStatus::queued);
  EXPECT_EQ(job.attempts, 0);  // the cut-off run does not count
  EXPECT_FALSE(job.error);
}

}  // namespace
}  // namespace coqueue::worker
