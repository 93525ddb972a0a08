// The broker contract, held against the in-memory broker.

#include "core/queue/memory_broker.hpp"

#include <set>

#include <gtest/gtest.h>

#include "tests/support/run_coroutine.hpp"

namespace coqueue {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Claims until the queue stays empty for 50 ms, recording what it got.
awaitable<void> claim_all(MemoryBroker& broker, std::vector<std::string>& out, std::string worker) {
  const std::vector<std::string> queues{"default"};  // named: GCC 12 rejects a braced list here
  while (auto job = co_await broker.claim(queues, worker, 50ms)) out.push_back(job->id);
}

class MemoryBrokerTest : public ::testing::Test {
 protected:
  MemoryBrokerTest() { make_broker({}); }

  void make_broker(MemoryBrokerSettings settings) {
    settings.retry.base = 20ms;
    settings.retry.jitter = 0;
    broker = std::make_unique<MemoryBroker>(io.get_executor(), settings);
  }

  static JobSpec spec(std::string type = "echo", std::string queue = "default") {
    JobSpec s;
    s.type = std::move(type);
    s.queue = std::move(queue);
    s.payload = {{"n", 1}};
    return s;
  }

  Job enqueue(JobSpec s) {
    auto r = test::run(io, broker->enqueue(std::move(s)));
    EXPECT_TRUE(r.has_value());
    return r->job;
  }

  std::optional<Job> claim(std::vector<std::string> queues = {"default"},
                           std::string worker = "w1",
                           std::chrono::milliseconds wait = 0ms) {
    return test::run(io, broker->claim(std::move(queues), std::move(worker), wait));
  }

  Job get(const std::string& id) { return *test::run(io, broker->get(id)); }

  asio::io_context io;
  std::unique_ptr<MemoryBroker> broker;
};

TEST_F(MemoryBrokerTest, EnqueueThenClaimMarksProcessing) {
  const Job queued = enqueue(spec());
  EXPECT_EQ(queued.status, JobStatus::queued);
  EXPECT_EQ(queued.attempts, 0);
  const auto claimed = claim();
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, queued.id);
  EXPECT_EQ(claimed->status, JobStatus::processing);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(claimed->worker, "w1");
  EXPECT_TRUE(claimed->started_at);
  EXPECT_FALSE(claim());  // nothing else
}

TEST_F(MemoryBrokerTest, FifoWithinAQueueAndPriorityAcrossQueues) {
  const Job a = enqueue(spec("echo", "low"));
  const Job b = enqueue(spec("echo", "high"));
  const Job c = enqueue(spec("echo", "high"));
  EXPECT_EQ(claim({"high", "low"})->id, b.id);
  EXPECT_EQ(claim({"high", "low"})->id, c.id);
  EXPECT_EQ(claim({"high", "low"})->id, a.id);
}

TEST_F(MemoryBrokerTest, AWaitingClaimWakesOnEnqueue) {
  std::optional<Job> claimed;
  asio::co_spawn(io, broker->claim({"default"}, "w1", 5s),
                 [&](std::exception_ptr, std::optional<Job> j) { claimed = std::move(j); });
  test::run_for(io, 10ms);
  EXPECT_FALSE(claimed);
  const auto start = Clock::now();
  const Job job = enqueue(spec());
  while (!claimed && Clock::now() - start < 2s) test::run_for(io, 1ms);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_LT(Clock::now() - start, 1s);  // woken, not timed out
}

TEST_F(MemoryBrokerTest, AnEmptyClaimReturnsNothingAfterItsWait) {
  const auto start = Clock::now();
  EXPECT_FALSE(claim({"default"}, "w1", 30ms));
  EXPECT_GE(Clock::now() - start, 30ms);
}

TEST_F(MemoryBrokerTest, ManyConcurrentClaimersNeverShareAJob) {
  constexpr int jobs = 500;
  constexpr int claimers = 32;
  std::vector<std::string> claimed_ids;
  int finished_claimers = 0;
  for (int c = 0; c < claimers; ++c) {
    std::string worker = "w";
    worker += std::to_string(c);  // not "w" + ...: GCC 12 warns falsely (-Wrestrict) on that
    asio::co_spawn(io, claim_all(*broker, claimed_ids, worker),
                   [&](std::exception_ptr) { ++finished_claimers; });
  }
  for (int i = 0; i < jobs; ++i) enqueue(spec());
  while (finished_claimers < claimers) test::run_for(io, 5ms);
  const std::set<std::string> unique(claimed_ids.begin(), claimed_ids.end());
  EXPECT_EQ(claimed_ids.size(), static_cast<std::size_t>(jobs));
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(jobs));
}

TEST_F(MemoryBrokerTest, CompleteStoresTheResultAndWakesWaiters) {
  const Job job = enqueue(spec());
  claim();
  CompletionHub::Subscription waiting(broker->completions(), job.id);
  test::run(io, broker->complete(job.id, "w1", boost::json::value{{"ok", true}}));
  EXPECT_TRUE(test::run(io, waiting.wait_until(Clock::now() + 1s)));
  const Job done = get(job.id);
  EXPECT_EQ(done.status, JobStatus::completed);
  EXPECT_EQ(done.result->at("ok"), true);
  EXPECT_TRUE(done.finished_at);
}

TEST_F(MemoryBrokerTest, OnlyTheHolderMayFinishARun) {
  const Job job = enqueue(spec());
  claim({"default"}, "w1");
  test::run(io, broker->complete(job.id, "intruder", boost::json::value(1)));
  EXPECT_EQ(test::run(io, broker->fail(job.id, "intruder", "x")), FailOutcome::ignored);
  EXPECT_EQ(get(job.id).status, JobStatus::processing);
  test::run(io, broker->complete(job.id, "w1", boost::json::value(2)));
  test::run(io, broker->complete(job.id, "w1", boost::json::value(3)));  // a second ack: ignored
  EXPECT_EQ(*get(job.id).result, 2);
}

TEST_F(MemoryBrokerTest, AFailedRunIsRetriedAfterBackoffThenFails) {
  JobSpec s = spec();
  s.max_attempts = 2;
  const Job job = enqueue(s);
  claim();
  EXPECT_EQ(test::run(io, broker->fail(job.id, "w1", "boom")), FailOutcome::retry_scheduled);
  Job waiting = get(job.id);
  EXPECT_EQ(waiting.status, JobStatus::scheduled);
  EXPECT_EQ(waiting.error, "boom");
  EXPECT_TRUE(waiting.run_at);
  EXPECT_FALSE(claim());  // not before the backoff (20 ms)

  const auto again = claim({"default"}, "w2", 2s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, job.id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(test::run(io, broker->fail(job.id, "w2", "boom again")), FailOutcome::failed);
  const Job failed = get(job.id);
  EXPECT_EQ(failed.status, JobStatus::failed);
  EXPECT_EQ(failed.error, "boom again");
}

TEST_F(MemoryBrokerTest, DelayedJobsWaitTheirTurn) {
  JobSpec s = spec();
  s.delay_ms = 40;
  const auto start = Clock::now();
  const Job job = enqueue(s);
  EXPECT_EQ(job.status, JobStatus::scheduled);
  EXPECT_FALSE(claim());
  const auto claimed = claim({"default"}, "w1", 2s);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_GE(Clock::now() - start, 40ms);
}

TEST_F(MemoryBrokerTest, CancelQueuedAndScheduledJobsAtOnce) {
  const Job queued = enqueue(spec());
  JobSpec later = spec();
  later.delay_ms = 10;
  const Job scheduled = enqueue(later);
  EXPECT_EQ(test::run(io, broker->cancel(queued.id)).outcome, CancelOutcome::cancelled);
  EXPECT_EQ(test::run(io, broker->cancel(scheduled.id)).outcome, CancelOutcome::cancelled);
  EXPECT_EQ(get(queued.id).status, JobStatus::cancelled);
  EXPECT_FALSE(claim({"default"}, "w1", 50ms));  // neither ever runs
  EXPECT_EQ(test::run(io, broker->cancel(queued.id)).outcome, CancelOutcome::already_finished);
  EXPECT_EQ(test::run(io, broker->cancel("01a20402-5c32-7167-a3ee-39d8ffc0e858")).outcome,
            CancelOutcome::not_found);
}

TEST_F(MemoryBrokerTest, CancelARunningJobTellsTheListenerAndIsNeverRetried) {
  std::vector<std::string> told;
  broker->set_cancel_listener([&](std::string_view id) { told.emplace_back(id); });
  const Job job = enqueue(spec());
  claim();
  const CancelResult r = test::run(io, broker->cancel(job.id));
  EXPECT_EQ(r.outcome, CancelOutcome::cancel_requested);
  EXPECT_TRUE(r.job->cancel_requested);
  EXPECT_EQ(told, std::vector<std::string>{job.id});
  // The handler, told to stop, fails: that ends the job cancelled, not retried.
  test::run(io, broker->fail(job.id, "w1", "stopped"));
  EXPECT_EQ(get(job.id).status, JobStatus::cancelled);
}

TEST_F(MemoryBrokerTest, IdempotencyKeyReturnsTheFirstJobOrConflicts) {
  JobSpec s = spec();
  s.idempotency_key = "order-1";
  const Job first = enqueue(s);
  auto again = test::run(io, broker->enqueue(s));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->job.id, first.id);
  JobSpec different = s;
  different.payload = {{"n", 2}};
  auto conflict = test::run(io, broker->enqueue(different));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error(), queue_errc::idempotency_conflict);
}

TEST_F(MemoryBrokerTest, StatsCountEachQueueByStatus) {
  enqueue(spec("echo", "a"));
  enqueue(spec("echo", "a"));
  const Job b = enqueue(spec("echo", "b"));
  claim({"b"});
  test::run(io, broker->complete(b.id, "w1", nullptr));
  const QueueStats stats = test::run(io, broker->stats());
  EXPECT_EQ(stats.queues.at("a")[JobStatus::queued], 2);
  EXPECT_EQ(stats.queues.at("b")[JobStatus::completed], 1);
  EXPECT_EQ(stats.queues.at("b")[JobStatus::processing], 0);
  EXPECT_EQ(stats.totals()[JobStatus::queued], 2);
  EXPECT_EQ(broker->unfinished_jobs(), 2u);
}

TEST_F(MemoryBrokerTest, FinishedJobsAreEvictedBeyondTheCap) {
  MemoryBrokerSettings settings;
  settings.max_finished_jobs = 2;
  make_broker(settings);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    JobSpec s = spec();
    s.idempotency_key = "k" + std::to_string(i);
    ids.push_back(enqueue(s).id);
    claim();
    test::run(io, broker->complete(ids.back(), "w1", nullptr));
  }
  enqueue(spec());  // eviction runs on the next enqueue
  EXPECT_FALSE(test::run(io, broker->get(ids[0])));
  EXPECT_TRUE(test::run(io, broker->get(ids[1])));
  EXPECT_TRUE(test::run(io, broker->get(ids[2])));
  const QueueStats stats = test::run(io, broker->stats());
  EXPECT_EQ(stats.totals()[JobStatus::completed], 2);
  JobSpec reuse = spec();
  reuse.idempotency_key = "k0";  // the key went with its job
  EXPECT_TRUE(test::run(io, broker->enqueue(reuse))->created);
}

TEST_F(MemoryBrokerTest, InterruptClaimsReleasesOnlyThatWorker) {
  int returned = 0;
  for (const char* w : {"stopping", "other"}) {
    asio::co_spawn(io, broker->claim({"default"}, w, 5s),
                   [&](std::exception_ptr, std::optional<Job>) { ++returned; });
  }
  test::run_for(io, 5ms);
  broker->interrupt_claims("stopping");
  test::run_for(io, 20ms);
  EXPECT_EQ(returned, 1);
  broker->interrupt_claims("other");
  test::run_for(io, 20ms);
  EXPECT_EQ(returned, 2);
}

}  // namespace
}  // namespace coqueue
