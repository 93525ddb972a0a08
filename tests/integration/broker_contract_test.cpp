// The broker contract, held against both brokers: the in-memory one of the embedded mode and
// the Redis one (against a private redis-server per test).

#include <set>
#include <thread>
#include <type_traits>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/job_id.hpp"
#include "core/queue/end_note.hpp"
#include "core/queue/memory_broker.hpp"
#include "core/queue/redis_broker.hpp"
#include "core/queue/redis_keys.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/run_coroutine.hpp"
#include "worker/builtin/builtin.hpp"
#include "worker/processor.hpp"

namespace coqueue {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RetryPolicy fast_retries() {
  RetryPolicy r;
  r.base = 20ms;
  r.jitter = 0;
  return r;
}

// A claim left waiting in the background, as a worker's claim loop leaves it.
struct BackgroundClaim {
  std::optional<Job> job;
  bool returned = false;

  // Runs `io` until the claim returns or `timeout` passes, in steps of `step`.
  void wait(asio::io_context& io, std::chrono::milliseconds timeout,
            std::chrono::milliseconds step = 5ms) const {
    const auto until = Clock::now() + timeout;
    while (!returned && Clock::now() < until) test::run_for(io, step);
  }
};

std::shared_ptr<BackgroundClaim> start_claim(asio::io_context& io, Broker& broker,
                                             std::vector<std::string> queues, std::string worker,
                                             std::chrono::milliseconds max_wait) {
  auto claim = std::make_shared<BackgroundClaim>();
  asio::co_spawn(io, broker.claim(std::move(queues), std::move(worker), max_wait),
                 [claim](std::exception_ptr, std::optional<Job> job) {
                   claim->job = std::move(job);
                   claim->returned = true;
                 });
  return claim;
}

struct MemoryBackend {
  static constexpr const char* name = "memory";
  std::unique_ptr<MemoryBroker> broker;
  void make(asio::io_context& io, std::size_t max_queue_length = 0,
            std::chrono::milliseconds result_ttl = std::chrono::hours(1)) {
    MemoryBrokerSettings s;
    s.max_queue_length = max_queue_length;
    s.result_ttl = result_ttl;
    s.retry = fast_retries();
    broker = std::make_unique<MemoryBroker>(io.get_executor(), s);
  }
};

struct RedisBackend {
  static constexpr const char* name = "redis";
  RedisBackend() = default;
  explicit RedisBackend(std::vector<std::string> redis_args) : redis(std::move(redis_args)) {}
  test::RedisServer redis;
  std::unique_ptr<RedisBroker> broker;
  void make(asio::io_context& io, std::size_t max_queue_length,
            std::chrono::milliseconds result_ttl = std::chrono::hours(1)) {
    RedisBrokerSettings s;
    s.max_queue_length = max_queue_length;
    s.result_ttl = result_ttl;
    make(io, s);
  }
  void make(asio::io_context& io, RedisBrokerSettings s = {}) {
    const auto request_timeout = s.redis.request_timeout;  // the one setting tests may change
    s.redis = redis.client_config();
    s.redis.request_timeout = request_timeout;
    s.retry = fast_retries();
    if (s.max_block == RedisBrokerSettings{}.max_block) s.max_block = 100ms;  // unless asked
    s.promote_interval = 10ms;
    broker = std::make_unique<RedisBroker>(io.get_executor(), s);
    broker->start();
    // Wait until the completion subscription is in place, so no test publishes into the void.
    redis::Connection probe(io.get_executor(), redis.client_config());
    probe.start();
    CompletionHub::Subscription heard(broker->completions(), "probe");
    for (int i = 0; i < 500; ++i) {
      redis::Request r;
      r.push("PUBLISH", keys::done_channel("probe-queue"), "probe");
      test::run(io, probe.exec(std::move(r)));
      if (test::run(io, heard.wait_until(Clock::now() + 10ms))) return;
    }
    throw std::runtime_error("the broker never subscribed");
  }
};

template <class Backend>
class BrokerContractTest : public ::testing::Test {
 protected:
  BrokerContractTest() { backend.make(io); }

  Broker& broker() { return *backend.broker; }

  static JobSpec spec(std::string type = "echo", std::string queue = "default") {
    JobSpec s;
    s.type = std::move(type);
    s.queue = std::move(queue);
    s.payload = {{"n", 1}};
    return s;
  }

  Job enqueue(JobSpec s) {
    auto r = test::run(io, broker().enqueue(std::move(s)));
    EXPECT_TRUE(r.has_value());
    return r->job;
  }

  std::optional<Job> claim(std::vector<std::string> queues = {"default"}, std::string worker = "w1",
                           std::chrono::milliseconds wait = 0ms) {
    return test::run(io, broker().claim(std::move(queues), std::move(worker), wait));
  }

  Job get(const std::string& id) { return *test::run(io, broker().get(id)); }

  asio::io_context io;
  Backend backend;
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return T::name;
  }
};

using Backends = ::testing::Types<MemoryBackend, RedisBackend>;
TYPED_TEST_SUITE(BrokerContractTest, Backends, BackendNames);

TYPED_TEST(BrokerContractTest, EnqueueThenClaimMarksProcessing) {
  const Job queued = this->enqueue(this->spec());
  EXPECT_EQ(queued.status, JobStatus::queued);
  EXPECT_EQ(queued.attempts, 0);
  EXPECT_EQ(queued.payload.at("n"), 1);
  EXPECT_EQ(this->get(queued.id).type, "echo");
  const auto claimed = this->claim();
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, queued.id);
  EXPECT_EQ(claimed->status, JobStatus::processing);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(claimed->worker, "w1");
  EXPECT_TRUE(claimed->started_at);
  EXPECT_FALSE(this->claim());
}

TYPED_TEST(BrokerContractTest, FifoWithinAQueueAndPriorityAcrossQueues) {
  const Job a = this->enqueue(this->spec("echo", "low"));
  const Job b = this->enqueue(this->spec("echo", "high"));
  const Job c = this->enqueue(this->spec("echo", "high"));
  EXPECT_EQ(this->claim({"high", "low"})->id, b.id);
  EXPECT_EQ(this->claim({"high", "low"})->id, c.id);
  EXPECT_EQ(this->claim({"high", "low"})->id, a.id);
}

TYPED_TEST(BrokerContractTest, AWaitingClaimWakesOnEnqueue) {
  const auto claim = start_claim(this->io, this->broker(), {"default"}, "w1", 5s);
  test::run_for(this->io, 30ms);
  EXPECT_FALSE(claim->returned);
  const auto start = Clock::now();
  const Job job = this->enqueue(this->spec());
  claim->wait(this->io, 3s, 1ms);
  ASSERT_TRUE(claim->job);
  EXPECT_EQ(claim->job->id, job.id);
  EXPECT_LT(Clock::now() - start, 1s);
}

TYPED_TEST(BrokerContractTest, AnEmptyClaimReturnsNothingAfterItsWait) {
  const auto start = Clock::now();
  EXPECT_FALSE(this->claim({"default"}, "w1", 50ms));
  EXPECT_GE(Clock::now() - start, 45ms);
}

awaitable<void> claim_until(Broker& broker, std::string worker, std::vector<std::string>& out,
                            std::size_t total, Clock::time_point until) {
  const std::vector<std::string> queues{"default"};
  while (out.size() < total && Clock::now() < until) {
    auto job = co_await broker.claim(queues, worker, 50ms);
    if (job) out.push_back(job->id);
  }
}

TYPED_TEST(BrokerContractTest, ManyConcurrentClaimersNeverShareAJob) {
  constexpr std::size_t jobs = 300;
  constexpr int claimers = 16;
  for (std::size_t i = 0; i < jobs; ++i) this->enqueue(this->spec());
  std::vector<std::string> claimed;
  int finished = 0;
  const auto until = Clock::now() + 20s;
  for (int c = 0; c < claimers; ++c) {
    std::string worker = "w";
    worker += std::to_string(c);
    asio::co_spawn(this->io, claim_until(this->broker(), worker, claimed, jobs, until),
                   [&](std::exception_ptr) { ++finished; });
  }
  while (finished < claimers) test::run_for(this->io, 5ms);
  const std::set<std::string> unique(claimed.begin(), claimed.end());
  EXPECT_EQ(claimed.size(), jobs);
  EXPECT_EQ(unique.size(), jobs);
}

TYPED_TEST(BrokerContractTest, CompleteStoresTheResultAndWakesWaiters) {
  const Job job = this->enqueue(this->spec());
  this->claim();
  CompletionHub::Subscription waiting(this->broker().completions(), job.id);
  test::run(this->io, this->broker().complete(job.id, "w1", boost::json::value{{"ok", true}}));
  EXPECT_TRUE(test::run(this->io, waiting.wait_until(Clock::now() + 2s)));
  const Job done = this->get(job.id);
  EXPECT_EQ(done.status, JobStatus::completed);
  EXPECT_EQ(done.result->at("ok"), true);
  EXPECT_TRUE(done.finished_at);
}

// The API accepts bodies nested 64 levels deep; what it stores comes back as it went in,
// payload, result and schedule alike (not as a string, which a reader with a smaller depth
// limit would fall back to).
TYPED_TEST(BrokerContractTest, DeeplyNestedJsonComesBackAsItWentIn) {
  std::string deep_text = "[";
  for (int i = 0; i < 60; ++i) deep_text += "[";
  deep_text += "1";
  for (int i = 0; i < 61; ++i) deep_text += "]";
  boost::json::parse_options deep_enough;
  deep_enough.max_depth = 100;
  const boost::json::value deep = boost::json::parse(deep_text, {}, deep_enough);
  JobSpec spec = this->spec();
  spec.payload = deep;
  const Job job = this->enqueue(spec);
  EXPECT_EQ(this->get(job.id).payload, deep);
  const auto claimed = this->claim();
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->payload, deep);
  test::run(this->io, this->broker().complete(job.id, "w1", deep));
  EXPECT_EQ(this->get(job.id).result, deep);

  auto parsed = parse_schedule_definition(
      "deep", boost::json::parse(
                  R"({"every_ms": 1000, "job": {"type": "echo", "payload": )" + deep_text + "}}",
                  {}, deep_enough));
  ASSERT_TRUE(std::holds_alternative<ScheduleDefinition>(parsed));
  test::run(this->io, this->broker().put_schedule(std::get<ScheduleDefinition>(parsed)));
  const auto stored = test::run(this->io, this->broker().schedules());
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].definition.job.at("payload"), deep);
}

TYPED_TEST(BrokerContractTest, OnlyTheHolderMayFinishARun) {
  const Job job = this->enqueue(this->spec());
  this->claim({"default"}, "w1");
  test::run(this->io, this->broker().complete(job.id, "intruder", boost::json::value(1)));
  EXPECT_EQ(test::run(this->io, this->broker().fail(job.id, "intruder", "x")),
            FailOutcome::ignored);
  EXPECT_EQ(this->get(job.id).status, JobStatus::processing);
  test::run(this->io, this->broker().complete(job.id, "w1", boost::json::value(2)));
  test::run(this->io, this->broker().complete(job.id, "w1", boost::json::value(3)));
  EXPECT_EQ(*this->get(job.id).result, 2);
}

TYPED_TEST(BrokerContractTest, AFailedRunIsRetriedAfterBackoffThenFails) {
  JobSpec s = this->spec();
  s.max_attempts = 2;
  const Job job = this->enqueue(s);
  this->claim();
  EXPECT_EQ(test::run(this->io, this->broker().fail(job.id, "w1", "boom")),
            FailOutcome::retry_scheduled);
  const Job waiting = this->get(job.id);
  EXPECT_EQ(waiting.status, JobStatus::scheduled);
  EXPECT_EQ(waiting.error, "boom");
  EXPECT_TRUE(waiting.run_at);
  EXPECT_FALSE(this->claim());  // not before the backoff

  const auto again = this->claim({"default"}, "w2", 3s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, job.id);
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(test::run(this->io, this->broker().fail(job.id, "w2", "boom again")),
            FailOutcome::failed);
  const Job failed = this->get(job.id);
  EXPECT_EQ(failed.status, JobStatus::failed);
  EXPECT_EQ(failed.error, "boom again");
}

TYPED_TEST(BrokerContractTest, DelayedJobsWaitTheirTurn) {
  JobSpec s = this->spec();
  s.delay_ms = 60;
  const auto start = Clock::now();
  const Job job = this->enqueue(s);
  EXPECT_EQ(job.status, JobStatus::scheduled);
  EXPECT_FALSE(this->claim());
  const auto claimed = this->claim({"default"}, "w1", 3s);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_GE(Clock::now() - start, 60ms);
}

TYPED_TEST(BrokerContractTest, CancelQueuedAndScheduledJobsAtOnce) {
  const Job queued = this->enqueue(this->spec());
  JobSpec later = this->spec();
  later.delay_ms = 10;
  const Job scheduled = this->enqueue(later);
  EXPECT_EQ(test::run(this->io, this->broker().cancel(queued.id)).outcome,
            CancelOutcome::cancelled);
  EXPECT_EQ(test::run(this->io, this->broker().cancel(scheduled.id)).outcome,
            CancelOutcome::cancelled);
  EXPECT_EQ(this->get(queued.id).status, JobStatus::cancelled);
  EXPECT_FALSE(this->claim({"default"}, "w1", 100ms));  // neither ever runs
  EXPECT_EQ(test::run(this->io, this->broker().cancel(queued.id)).outcome,
            CancelOutcome::already_finished);
  EXPECT_EQ(
      test::run(this->io, this->broker().cancel("01a20402-5c32-7167-a3ee-39d8ffc0e858")).outcome,
      CancelOutcome::not_found);
}

// Ids of jobs cancelled while they waited are passed over by claims, and only what a worker
// took ends up in its processing list.
TYPED_TEST(BrokerContractTest, ClaimsPassOverCancelledJobsAndHoldOnlyWhatTheyTook) {
  std::vector<Job> jobs;
  for (int i = 0; i < 6; ++i) jobs.push_back(this->enqueue(this->spec()));
  for (const int i : {1, 2, 4}) {
    EXPECT_EQ(test::run(this->io, this->broker().cancel(jobs[i].id)).outcome,
              CancelOutcome::cancelled);
  }
  EXPECT_EQ(this->claim()->id, jobs[0].id);
  EXPECT_EQ(this->claim()->id, jobs[3].id);
  EXPECT_EQ(this->claim()->id, jobs[5].id);
  EXPECT_FALSE(this->claim());
  for (const int i : {1, 2, 4}) EXPECT_EQ(this->get(jobs[i].id).status, JobStatus::cancelled);
  if constexpr (std::is_same_v<TypeParam, RedisBackend>) {
    EXPECT_EQ(this->backend.redis.command("LLEN " + keys::processing("default", "w1")), ":3\r\n");
    EXPECT_EQ(this->backend.redis.command("LLEN " + keys::pending("default")), ":0\r\n");
  }
}

TYPED_TEST(BrokerContractTest, CancelARunningJobTellsTheListenerAndIsNeverRetried) {
  std::vector<std::string> told;
  this->broker().set_cancel_listener([&](std::string_view id) { told.emplace_back(id); });
  const Job job = this->enqueue(this->spec());
  this->claim();
  const CancelResult r = test::run(this->io, this->broker().cancel(job.id));
  EXPECT_EQ(r.outcome, CancelOutcome::cancel_requested);
  EXPECT_TRUE(r.job->cancel_requested);
  const auto until = Clock::now() + 2s;
  while (told.empty() && Clock::now() < until) test::run_for(this->io, 2ms);
  EXPECT_EQ(told, std::vector<std::string>{job.id});
  test::run(this->io, this->broker().fail(job.id, "w1", "stopped"));
  EXPECT_EQ(this->get(job.id).status, JobStatus::cancelled);
}

TYPED_TEST(BrokerContractTest, AHandedBackRunIsDueFirstAndNotCounted) {
  const Job first = this->enqueue(this->spec());
  const Job second = this->enqueue(this->spec());
  ASSERT_EQ(this->claim()->id, first.id);
  test::run(this->io, this->broker().hand_back(first.id, "intruder"));  // not its run: ignored
  EXPECT_EQ(this->get(first.id).status, JobStatus::processing);
  test::run(this->io, this->broker().hand_back(first.id, "w1"));
  const Job back = this->get(first.id);
  EXPECT_EQ(back.status, JobStatus::queued);
  EXPECT_EQ(back.attempts, 0);
  const auto again = this->claim({"default"}, "w2");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, first.id);  // ahead of the job queued after it
  EXPECT_EQ(again->attempts, 1);
  test::run(this->io, this->broker().complete(first.id, "w1", boost::json::value(1)));
  EXPECT_EQ(this->get(first.id).status, JobStatus::processing);  // w1 gave it up
  test::run(this->io, this->broker().complete(first.id, "w2", boost::json::value(2)));
  EXPECT_EQ(*this->get(first.id).result, 2);
  EXPECT_EQ(this->claim({"default"}, "w2")->id, second.id);
  const QueueStats stats = test::run(this->io, this->broker().stats());
  EXPECT_EQ(stats.queues.at("default")[JobStatus::processing], 1);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 0);
}

TYPED_TEST(BrokerContractTest, AHandedBackRunWhoseCancelWasAskedEndsCancelled) {
  const Job job = this->enqueue(this->spec());
  this->claim();
  test::run(this->io, this->broker().cancel(job.id));
  test::run(this->io, this->broker().hand_back(job.id, "w1"));
  EXPECT_EQ(this->get(job.id).status, JobStatus::cancelled);
  EXPECT_FALSE(this->claim());
}

TYPED_TEST(BrokerContractTest, DeadLettersAreListedRequeuedAndPurged) {
  std::vector<std::string> dead;
  for (int i = 0; i < 5; ++i) {
    JobSpec s = this->spec();
    s.max_attempts = 1;
    const Job job = this->enqueue(s);
    ASSERT_EQ(this->claim()->id, job.id);
    std::string error = "boom " + std::to_string(i);
    EXPECT_EQ(test::run(this->io, this->broker().fail(job.id, "w1", error)), FailOutcome::failed);
    dead.push_back(job.id);
  }
  const Job alive = this->enqueue(this->spec());

  const DeadLetters page = test::run(this->io, this->broker().dead_letters("default", 1, 2));
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.jobs.size(), 2u);
  EXPECT_EQ(page.jobs[0].id, dead[3]);  // newest first
  EXPECT_EQ(page.jobs[0].error, "boom 3");
  EXPECT_EQ(page.jobs[1].id, dead[2]);
  EXPECT_EQ(test::run(this->io, this->broker().dead_letters("other", 0, 10)).total, 0);

  // One back: queued at the back of the line, with fresh attempts and its last error.
  EXPECT_EQ(test::run(this->io, this->broker().retry_failed(dead[0])), RetryOutcome::requeued);
  EXPECT_EQ(test::run(this->io, this->broker().retry_failed(dead[0])), RetryOutcome::not_failed);
  EXPECT_EQ(test::run(this->io, this->broker().retry_failed(alive.id)), RetryOutcome::not_failed);
  EXPECT_EQ(
      test::run(this->io, this->broker().retry_failed("01a20402-5c32-7167-a3ee-39d8ffc0e858")),
      RetryOutcome::not_found);
  const Job back = this->get(dead[0]);
  EXPECT_EQ(back.status, JobStatus::queued);
  EXPECT_EQ(back.attempts, 0);
  EXPECT_EQ(back.error, "boom 0");
  EXPECT_FALSE(back.finished_at);
  EXPECT_EQ(this->claim()->id, alive.id);
  test::run(this->io, this->broker().complete(alive.id, "w1", nullptr));
  const auto rerun = this->claim({"default"}, "w2");
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->id, dead[0]);
  EXPECT_EQ(rerun->attempts, 1);
  test::run(this->io, this->broker().complete(dead[0], "w2", boost::json::value("fixed")));
  EXPECT_EQ(this->get(dead[0]).status, JobStatus::completed);

  // Two of the rest requeued at once, then the dead list purged.
  EXPECT_EQ(test::run(this->io, this->broker().dead_letters("default", 0, 10)).total, 4);
  EXPECT_EQ(test::run(this->io, this->broker().requeue_dead("default")), 4);
  EXPECT_EQ(test::run(this->io, this->broker().dead_letters("default", 0, 10)).total, 0);
  for (int i = 0; i < 4; ++i) {
    const auto run = this->claim({"default"}, "w3");
    ASSERT_TRUE(run);
    EXPECT_EQ(run->id, dead[i + 1]);  // oldest first
    test::run(this->io, this->broker().fail(run->id, "w3", "again"));
  }
  EXPECT_EQ(test::run(this->io, this->broker().dead_letters("default", 0, 10)).total, 4);
  EXPECT_EQ(test::run(this->io, this->broker().purge_dead("default")), 4);
  EXPECT_EQ(test::run(this->io, this->broker().dead_letters("default", 0, 10)).total, 0);
  EXPECT_FALSE(test::run(this->io, this->broker().get(dead[1])));
  const QueueStats stats = test::run(this->io, this->broker().stats());
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 0);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::completed], 2);
}

TYPED_TEST(BrokerContractTest, AFullQueueRefusesNewJobsUntilItDrains) {
  TypeParam capped;
  capped.make(this->io, 2);
  Broker& broker = *capped.broker;
  JobSpec keyed = this->spec();
  keyed.idempotency_key = "k";
  ASSERT_TRUE(test::run(this->io, broker.enqueue(keyed)));
  JobSpec later = this->spec();
  later.delay_ms = 60'000;  // scheduled jobs wait too, so they count
  ASSERT_TRUE(test::run(this->io, broker.enqueue(later)));
  auto full = test::run(this->io, broker.enqueue(this->spec()));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), queue_errc::queue_full);
  // A repeat of a job already in adds nothing: it is answered, not refused.
  auto repeat = test::run(this->io, broker.enqueue(keyed));
  ASSERT_TRUE(repeat);
  EXPECT_FALSE(repeat->created);
  EXPECT_TRUE(test::run(this->io, broker.enqueue(this->spec("echo", "other"))));  // per queue
  std::vector<JobSpec> two{this->spec(), this->spec()};
  const auto batch = test::run(this->io, broker.enqueue_many(std::move(two)));
  EXPECT_FALSE(batch[0]);
  EXPECT_FALSE(batch[1]);
  // Once a job is taken there is room again; the refused job was never stored.
  ASSERT_TRUE(test::run(this->io, broker.claim({"default"}, "w1", 0ms)));
  EXPECT_TRUE(test::run(this->io, broker.enqueue(this->spec())));
  const QueueStats stats = test::run(this->io, broker.stats());
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 1);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::scheduled], 1);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::processing], 1);
}

TYPED_TEST(BrokerContractTest, ManyJobsAtOnceAreAnsweredInOrder) {
  std::vector<JobSpec> specs;
  for (int i = 0; i < 2500; ++i) {  // more than one script run's worth, over two queues
    JobSpec s = this->spec("echo", i % 5 == 0 ? "b" : "a");
    s.payload = {{"i", i}};
    specs.push_back(std::move(s));
  }
  JobSpec keyed = this->spec();
  keyed.idempotency_key = "twice";
  specs.push_back(keyed);
  specs.push_back(keyed);  // the same submission twice in one batch: one job
  JobSpec clash = keyed;
  clash.payload = {{"other", true}};
  specs.push_back(clash);
  JobSpec later = this->spec();
  later.delay_ms = 60'000;
  specs.push_back(later);

  const std::vector<EnqueueOutcome> out =
      test::run(this->io, this->broker().enqueue_many(std::move(specs)));
  ASSERT_EQ(out.size(), 2504u);
  std::set<std::string> ids;
  for (int i = 0; i < 2500; ++i) {
    ASSERT_TRUE(out[i]) << i;
    EXPECT_TRUE(out[i]->created);
    EXPECT_EQ(out[i]->job.queue, i % 5 == 0 ? "b" : "a");
    EXPECT_EQ(out[i]->job.payload.at("i"), i);
    ids.insert(out[i]->job.id);
  }
  EXPECT_EQ(ids.size(), 2500u);
  ASSERT_TRUE(out[2500] && out[2501]);
  EXPECT_TRUE(out[2500]->created);
  EXPECT_FALSE(out[2501]->created);
  EXPECT_EQ(out[2501]->job.id, out[2500]->job.id);
  ASSERT_FALSE(out[2502]);
  EXPECT_EQ(out[2502].error(), queue_errc::idempotency_conflict);
  EXPECT_EQ(out[2503]->job.status, JobStatus::scheduled);
  EXPECT_EQ(this->get(out[1234]->job.id).payload.at("i"), 1234);

  const QueueStats stats = test::run(this->io, this->broker().stats());
  EXPECT_EQ(stats.queues.at("a")[JobStatus::queued], 2000);
  EXPECT_EQ(stats.queues.at("b")[JobStatus::queued], 500);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 1);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::scheduled], 1);
  EXPECT_EQ(this->claim({"a"})->id, out[1]->job.id);  // first in, first out, as one by one
}

// Parameters, not lambda captures: a coroutine's frame keeps its parameters, not its closure.
awaitable<void> submit_one(Broker& broker, JobSpec spec, std::optional<EnqueueOutcome>& out,
                           int& answered) {
  out = co_await broker.enqueue(std::move(spec));
  ++answered;
}

// Single submissions made at the same moment (many HTTP clients at once) are answered each as if
// it were alone, though on Redis they share script runs: the cap and idempotency keys see the
// earlier submissions of the same run.
TYPED_TEST(BrokerContractTest, ConcurrentSubmissionsAreEachAnsweredAsIfAlone) {
  TypeParam capped;
  capped.make(this->io, 100);
  Broker& broker = *capped.broker;
  const std::uint64_t requests_before =
      broker.redis_metrics() ? broker.redis_metrics()->requests : 0;
  std::vector<std::optional<EnqueueOutcome>> out(161);
  int answered = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    JobSpec s = this->spec("echo", i < 150 ? "c" : "k");
    s.payload = {{"i", i}};
    if (i >= 150) {
      s.payload = {{"n", 1}};
      s.idempotency_key = "same";
      if (i == 160) s.payload = {{"n", 2}};  // the same key, another submission
    }
    asio::co_spawn(this->io, submit_one(broker, std::move(s), out[i], answered), asio::detached);
  }
  const auto until = Clock::now() + 10s;
  while (answered < 161 && Clock::now() < until) test::run_for(this->io, 5ms);
  ASSERT_EQ(answered, 161);

  std::set<std::string> ids;
  for (std::size_t i = 0; i < 150; ++i) {
    ASSERT_TRUE(out[i].has_value());
    if (i < 100) {
      ASSERT_TRUE(*out[i]) << i;
      EXPECT_TRUE((*out[i])->created);
      EXPECT_EQ((*out[i])->job.payload.at("i"), i);
      ids.insert((*out[i])->job.id);
    } else {
      ASSERT_FALSE(*out[i]) << i;
      EXPECT_EQ(out[i]->error(), queue_errc::queue_full);
    }
  }
  EXPECT_EQ(ids.size(), 100u);
  ASSERT_TRUE(*out[150]);
  EXPECT_TRUE((*out[150])->created);
  for (std::size_t i = 151; i < 160; ++i) {
    ASSERT_TRUE(*out[i]) << i;
    EXPECT_FALSE((*out[i])->created);
    EXPECT_EQ((*out[i])->job.id, (*out[150])->job.id);
  }
  ASSERT_FALSE(*out[160]);
  EXPECT_EQ(out[160]->error(), queue_errc::idempotency_conflict);
  const QueueStats stats = test::run(this->io, broker.stats());
  EXPECT_EQ(stats.queues.at("c")[JobStatus::queued], 100);
  EXPECT_EQ(stats.queues.at("k")[JobStatus::queued], 1);
  if (broker.redis_metrics()) {
    // One request per submission without batching; background tasks add a few.
    EXPECT_LT(broker.redis_metrics()->requests - requests_before, 40u);
  }
}

TYPED_TEST(BrokerContractTest, APausedQueueTakesJobsButGivesNoneUntilResumed) {
  const Job first = this->enqueue(this->spec("echo", "p"));
  this->enqueue(this->spec("echo", "other"));
  test::run(this->io, this->broker().set_paused("p", true));
  EXPECT_TRUE(test::run(this->io, this->broker().stats()).paused.contains("p"));
  EXPECT_FALSE(this->claim({"p"}, "w1", 150ms));
  const auto other = this->claim({"p", "other"}, "w1");  // the other queue still serves
  ASSERT_TRUE(other);
  EXPECT_EQ(other->queue, "other");
  this->enqueue(this->spec("echo", "p"));  // submissions go on

  const auto claim = start_claim(this->io, this->broker(), {"p"}, "w2", 10s);
  test::run_for(this->io, 100ms);
  EXPECT_FALSE(claim->returned);
  test::run(this->io, this->broker().set_paused("p", false));
  claim->wait(this->io, 5s);
  ASSERT_TRUE(claim->job);
  EXPECT_EQ(claim->job->id, first.id);
  EXPECT_FALSE(test::run(this->io, this->broker().stats()).paused.contains("p"));
}

TYPED_TEST(BrokerContractTest, AFinishedJobIsForgottenAfterItsResultTtl) {
  TypeParam short_lived;
  short_lived.make(this->io, 0, 300ms);
  Broker& broker = *short_lived.broker;
  const std::string id = test::run(this->io, broker.enqueue(this->spec()))->job.id;
  ASSERT_TRUE(test::run(this->io, broker.claim({"default"}, "w1", 0ms)));
  test::run(this->io, broker.complete(id, "w1", boost::json::value(1)));
  EXPECT_TRUE(test::run(this->io, broker.get(id)));  // readable for a while
  const auto until = Clock::now() + 5s;
  while (test::run(this->io, broker.get(id)) && Clock::now() < until) {
    test::run_for(this->io, 50ms);
  }
  EXPECT_FALSE(test::run(this->io, broker.get(id)));
  EXPECT_GE(test::run(this->io, broker.stats()).queues.at("default")[JobStatus::completed], 1);
}

TYPED_TEST(BrokerContractTest, ProgressOfARunningJobIsInItsRecord) {
  const Job job = this->enqueue(this->spec());
  EXPECT_FALSE(this->get(job.id).progress);
  this->claim();
  test::run(this->io, this->broker().report_progress(job.id, "w1", {{"done", 40}}));
  test::run(this->io, this->broker().report_progress(job.id, "intruder", {{"done", 99}}));
  EXPECT_EQ(this->get(job.id).progress->at("done"), 40);
  test::run(this->io, this->broker().complete(job.id, "w1", nullptr));
  EXPECT_EQ(this->get(job.id).progress->at("done"), 40);  // the last report stays
}

TYPED_TEST(BrokerContractTest, IdempotencyKeyReturnsTheFirstJobOrConflicts) {
  JobSpec s = this->spec();
  s.idempotency_key = "order-1";
  const Job first = this->enqueue(s);
  auto again = test::run(this->io, this->broker().enqueue(s));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->job.id, first.id);
  JobSpec reordered = s;
  reordered.payload = boost::json::value{{"n", 1}};  // equal JSON is the same submission
  EXPECT_FALSE(test::run(this->io, this->broker().enqueue(reordered))->created);
  JobSpec different = s;
  different.payload = {{"n", 2}};
  auto conflict = test::run(this->io, this->broker().enqueue(different));
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error(), queue_errc::idempotency_conflict);
  JobSpec other_queue = different;
  other_queue.queue = "elsewhere";  // keys are scoped to their queue
  EXPECT_TRUE(test::run(this->io, this->broker().enqueue(other_queue))->created);
}

TYPED_TEST(BrokerContractTest, StatsCountEachQueueByStatus) {
  this->enqueue(this->spec("echo", "a"));
  this->enqueue(this->spec("echo", "a"));
  const Job b = this->enqueue(this->spec("echo", "b"));
  this->claim({"b"});
  test::run(this->io, this->broker().complete(b.id, "w1", nullptr));
  const QueueStats stats = test::run(this->io, this->broker().stats());
  EXPECT_EQ(stats.queues.at("a")[JobStatus::queued], 2);
  EXPECT_EQ(stats.queues.at("b")[JobStatus::completed], 1);
  EXPECT_EQ(stats.queues.at("b")[JobStatus::processing], 0);
  EXPECT_EQ(stats.totals()[JobStatus::queued], 2);
}

TYPED_TEST(BrokerContractTest, JobMetricsFromSeveralWorkersAddUp) {
  this->enqueue(this->spec("echo", "m"));  // the queue exists, as it does once jobs ran on it
  JobMetrics first;
  first.add_run({"m", "echo", "completed"}, 0.002);
  first.add_run({"m", "echo", "completed"}, 0.02);
  first.add_run({"m", "echo", "failed"}, 1.5);
  JobMetrics second;
  second.add_run({"m", "echo", "completed"}, 0.002);
  second.add_recovery("m", 3.0);
  test::run(this->io, this->broker().add_job_metrics(first));
  test::run(this->io, this->broker().add_job_metrics(second));
  test::run(this->io, this->broker().add_job_metrics(JobMetrics{}));  // nothing to add

  const JobMetrics total = test::run(this->io, this->broker().job_metrics());
  ASSERT_EQ(total.runs.size(), 2u);
  const TimingStats& completed = total.runs.at({"m", "echo", "completed"});
  EXPECT_EQ(completed.count, 3u);
  EXPECT_NEAR(completed.sum_seconds, 0.024, 1e-9);
  ASSERT_EQ(completed.buckets.size(), run_duration_bounds().size() + 1);
  EXPECT_EQ(completed.buckets[1], 2u);  // 2 ms: under the 2.5 ms bound
  EXPECT_EQ(completed.buckets[4], 1u);  // 20 ms: under the 25 ms bound
  EXPECT_EQ(total.runs.at({"m", "echo", "failed"}).count, 1u);
  ASSERT_TRUE(total.recoveries.contains("m"));
  EXPECT_EQ(total.recoveries.at("m").count, 1u);
  EXPECT_NEAR(total.recoveries.at("m").sum_seconds, 3.0, 1e-9);
}

TYPED_TEST(BrokerContractTest, InterruptClaimsReleasesOnlyThatWorker) {
  int returned = 0;
  for (const char* w : {"stopping", "other"}) {
    asio::co_spawn(this->io, this->broker().claim({"default"}, w, 10s),
                   [&](std::exception_ptr, std::optional<Job>) { ++returned; });
  }
  test::run_for(this->io, 20ms);
  this->broker().interrupt_claims("stopping");
  const auto until = Clock::now() + 2s;
  while (returned < 1 && Clock::now() < until) test::run_for(this->io, 5ms);
  EXPECT_EQ(returned, 1);
  this->broker().interrupt_claims("other");
  while (returned < 2 && Clock::now() < until + 2s) test::run_for(this->io, 5ms);
  EXPECT_EQ(returned, 2);
}

// What WebSocket followers hear: a run starting, its progress, a retry scheduled, the end; each
// with its queue, and only the end marked as one.
TYPED_TEST(BrokerContractTest, ObserversHearEveryChangeOfARecordAndWhichOneIsTheEnd) {
  std::vector<std::tuple<std::string, std::string, bool>> heard;
  CompletionHub::Observer observer(
      this->broker().completions(),
      [&heard](std::string_view id, std::string_view queue, bool ended) {
        heard.emplace_back(std::string(id), std::string(queue), ended);
      });
  JobSpec spec = this->spec("echo", "watched");
  spec.max_attempts = 2;
  const Job job = this->enqueue(spec);
  const auto claimed = this->claim({"watched"});
  ASSERT_TRUE(claimed);
  test::run(this->io, this->broker().report_progress(job.id, "w1", boost::json::value(50)));
  test::run(this->io, this->broker().fail(job.id, "w1", "first try"));  // retried later
  const auto again = this->claim({"watched"}, "w1", 2000ms);
  ASSERT_TRUE(again);
  test::run(this->io, this->broker().complete(job.id, "w1", nullptr));
  // Redis delivers through pub/sub: give the messages a moment to arrive.
  const auto until = Clock::now() + 5s;
  const auto ends = [&] {
    return std::count_if(heard.begin(), heard.end(), [](const auto& h) { return std::get<2>(h); });
  };
  while (ends() == 0 && Clock::now() < until) test::run_for(this->io, 10ms);
  test::run_for(this->io, 50ms);

  std::size_t changes = 0;
  for (const auto& [id, queue, ended] : heard) {
    EXPECT_EQ(id, job.id);
    EXPECT_EQ(queue, "watched");
    if (!ended) ++changes;
  }
  // Started twice, progress once, retry scheduled once (the memory broker also tells of the
  // job being due again); then the one end, last.
  EXPECT_GE(changes, 4u);
  EXPECT_EQ(ends(), 1);
  ASSERT_FALSE(heard.empty());
  EXPECT_TRUE(std::get<2>(heard.back()));
}

// The worker's processor on top of each broker: jobs run, retry, and stop when cancelled.
TYPED_TEST(BrokerContractTest, AProcessorRunsJobsThroughTheBroker) {
  worker::Registry registry;
  worker::builtin::register_all(registry);
  worker::CpuPool cpu(1);
  worker::ProcessorSettings ps;
  ps.worker_id = "proc-1";
  ps.concurrency = 4;
  ps.claim_wait = 100ms;
  worker::Processor processor(this->io.get_executor(), this->broker(), registry, cpu, ps);
  processor.start();

  std::vector<std::string> echoes;
  for (int i = 0; i < 20; ++i) {
    JobSpec s = this->spec();
    s.payload = i;
    echoes.push_back(this->enqueue(s).id);
  }
  JobSpec flaky = this->spec("fail");
  flaky.payload = {{"times", 1}};
  const std::string retried = this->enqueue(flaky).id;
  JobSpec long_sleep = this->spec("sleep");
  long_sleep.payload = {{"ms", 30'000}};
  const std::string cancelled = this->enqueue(long_sleep).id;
  JobSpec too_slow = this->spec("sleep");
  too_slow.payload = {{"ms", 30'000}};
  too_slow.timeout_ms = 50;
  too_slow.max_attempts = 1;
  const std::string timed_out = this->enqueue(too_slow).id;

  const auto wait_end = [&](const std::string& id) {
    const auto until = Clock::now() + 10s;
    Job job = this->get(id);
    while (!is_terminal(job.status) && Clock::now() < until) {
      test::run_for(this->io, 5ms);
      job = this->get(id);
    }
    return job;
  };
  for (std::size_t i = 0; i < echoes.size(); ++i) {
    const Job done = wait_end(echoes[i]);
    EXPECT_EQ(done.status, JobStatus::completed);
    EXPECT_EQ(*done.result, static_cast<std::int64_t>(i));
  }
  const Job slow = wait_end(timed_out);
  EXPECT_EQ(slow.status, JobStatus::failed);
  EXPECT_EQ(slow.error, "timeout");
  const Job second_try = wait_end(retried);
  EXPECT_EQ(second_try.status, JobStatus::completed);
  EXPECT_EQ(second_try.attempts, 2);

  while (this->get(cancelled).status != JobStatus::processing) test::run_for(this->io, 2ms);
  EXPECT_EQ(test::run(this->io, this->broker().cancel(cancelled)).outcome,
            CancelOutcome::cancel_requested);
  EXPECT_EQ(wait_end(cancelled).status, JobStatus::cancelled);
  test::run(this->io, processor.shutdown(Clock::now() + 5s, false));
}

// Fencing: once another run holds the job (as after a lease expired and the job was taken
// over), the first run can no longer complete it.
TEST(RedisBrokerFencing, AStaleRunCannotCompleteTheJob) {
  asio::io_context io;  // first, so it outlives the broker that uses it
  RedisBackend backend;
  backend.make(io);
  RedisBroker& broker = *backend.broker;
  JobSpec s;
  s.type = "echo";
  const Job job = test::run(io, broker.enqueue(s))->job;
  ASSERT_TRUE(test::run(io, broker.claim({"default"}, "w1", 0ms)));
  // Another worker's run took the job over: worker w2, attempt 2.
  backend.redis.command("HSET " + keys::job("default", job.id) + " worker w2 attempts 2");
  test::run(io, broker.complete(job.id, "w1", boost::json::value("late")));
  const Job after = *test::run(io, broker.get(job.id));
  EXPECT_EQ(after.status, JobStatus::processing);
  EXPECT_EQ(after.worker, "w2");
  EXPECT_FALSE(after.result);
}

// A completion announces a note on its run beside the id, so a waiter that knows the job (it
// submitted it, or read it before the end) answers without reading it back; the record made
// from the note is byte for byte what a read returns. An earlier run's error, progress, or a
// large result send the end without a note, and the waiter reads instead; so does a job no
// request waited for from its submission.
TEST(RedisBrokerEnds, AnEndsNoteMakesTheRecordAReadWouldReturn) {
  asio::io_context io;
  RedisBackend backend;
  backend.make(io);
  RedisBroker& broker = *backend.broker;
  int submitted = 0;
  bool awaited = true;
  const auto submit = [&] {
    JobSpec s;
    s.type = "echo";
    s.payload = {{"text", "h\u00e9llo \"x\"\n"}, {"n", 1.5}, {"big", 18446744073709551615ull}};
    s.timeout_ms = 60000;
    s.idempotency_key = "key-" + std::to_string(++submitted);
    s.awaited = awaited;
    return test::run(io, broker.enqueue(s))->job;
  };
  const auto claimed = [&](std::chrono::milliseconds wait = 0ms) {
    const std::optional<Job> job = test::run(io, broker.claim({"default"}, "w1", wait));
    EXPECT_TRUE(job);
    return job ? job->id : std::string();
  };
  // The note the end brought to a waiter that subscribed before it.
  const auto end_note = [&](const std::string& id, boost::json::value result) {
    CompletionHub::Subscription done(broker.completions(), id);
    test::run(io, broker.complete(id, "w1", std::move(result)));
    EXPECT_TRUE(test::run(io, done.wait_until(Clock::now() + 5s)));
    return done.note();
  };
  const auto read_back = [&](const std::string& id) {
    return boost::json::serialize(to_json(*test::run(io, broker.get(id))));
  };
  const auto record = [](const Job& known, const std::string& note) {
    const std::optional<Job> finished = finished_job(known, note);
    return finished ? boost::json::serialize(to_json(*finished)) : "no record";
  };

  // Known from its submission, as POST /jobs?wait_ms= knows it.
  const Job submitted_job = submit();
  ASSERT_EQ(claimed(), submitted_job.id);
  const boost::json::object result{{"echo", {1, "two", nullptr}}};
  std::string note = end_note(submitted_job.id, result);
  EXPECT_NE(note, "");
  EXPECT_EQ(record(submitted_job, note), read_back(submitted_job.id));

  // Known from a read while it ran, as GET /jobs/<id>?wait_ms= knows it.
  const std::string running = submit().id;
  ASSERT_EQ(claimed(), running);
  const Job read_running = *test::run(io, broker.get(running));
  note = end_note(running, boost::json::value("done"));
  EXPECT_EQ(record(read_running, note), read_back(running));

  const std::string retried = submit().id;  // its first run failed: the hash keeps that error
  ASSERT_EQ(claimed(), retried);
  EXPECT_EQ(test::run(io, broker.fail(retried, "w1", "boom")), FailOutcome::retry_scheduled);
  ASSERT_EQ(claimed(5s), retried);
  EXPECT_EQ(end_note(retried, boost::json::value(2)), "");
  EXPECT_EQ(test::run(io, broker.get(retried))->error, "boom");

  const std::string progressed = submit().id;
  ASSERT_EQ(claimed(), progressed);
  test::run(io, broker.report_progress(progressed, "w1", boost::json::value(0.5)));
  EXPECT_EQ(end_note(progressed, boost::json::value(3)), "");

  const std::string large = submit().id;
  ASSERT_EQ(claimed(), large);
  EXPECT_EQ(end_note(large, boost::json::value(std::string(4000, 'r'))), "");
  EXPECT_EQ(test::run(io, broker.get(large))->result, boost::json::value(std::string(4000, 'r')));

  // A job no request waited for from its submission ends without a note: reading what a note
  // needs would cost every completion.
  awaited = false;
  const std::string unawaited = submit().id;
  ASSERT_EQ(claimed(), unawaited);
  EXPECT_EQ(end_note(unawaited, boost::json::value(4)), "");
  // And the same through the blocking claim (BLMOVE, then activate.lua), awaited again.
  awaited = true;
  const std::shared_ptr<BackgroundClaim> waiting = start_claim(io, broker, {"default"}, "w1", 5s);
  test::run_for(io, 50ms);
  const Job blocked_for = submit();
  waiting->wait(io, 5s);
  ASSERT_TRUE(waiting->job);
  ASSERT_EQ(waiting->job->id, blocked_for.id);
  note = end_note(blocked_for.id, boost::json::value(5));
  EXPECT_NE(note, "");
  EXPECT_EQ(record(blocked_for, note), read_back(blocked_for.id));
}

// A job is found by its id alone, from a broker that never saw its queue, through the queue tag
// the id carries: also when several queues share that tag, and when one of them appeared after
// the broker last looked. No key per job maps ids to queues.
TEST(RedisBrokerLookup, AJobIsFoundByIdWhateverQueuesShareItsTag) {
  asio::io_context io;
  RedisBackend backend;
  backend.make(io);
  RedisBroker& producer = *backend.broker;
  std::vector<std::string> same_tag{"alpha"};
  for (int i = 0; same_tag.size() < 3; ++i) {
    const std::string name = "q-" + std::to_string(i);
    if (queue_tag(name) == queue_tag("alpha")) same_tag.push_back(name);
  }
  auto submit = [&](const std::string& queue) {
    JobSpec s;
    s.type = "echo";
    s.queue = queue;
    return test::run(io, producer.enqueue(s))->job.id;
  };
  const std::string first = submit(same_tag[0]);
  const std::string second = submit(same_tag[1]);

  RedisBrokerSettings settings;
  settings.redis = backend.redis.client_config();
  RedisBroker reader(io.get_executor(), settings);  // another process, as far as Redis knows
  reader.start();
  for (const auto& [id, queue] : {std::pair{first, same_tag[0]}, std::pair{second, same_tag[1]}}) {
    const std::optional<Job> job = test::run(io, reader.get(id));
    ASSERT_TRUE(job) << queue;
    EXPECT_EQ(job->id, id);
    EXPECT_EQ(job->queue, queue);
  }
  // A queue of the same tag that appeared after the reader looked.
  const std::string third = submit(same_tag[2]);
  const std::optional<Job> late = test::run(io, reader.get(third));
  ASSERT_TRUE(late);
  EXPECT_EQ(late->queue, same_tag[2]);
  EXPECT_EQ(test::run(io, reader.cancel(second)).outcome, CancelOutcome::cancelled);
  EXPECT_EQ(test::run(io, producer.get(second))->status, JobStatus::cancelled);

  // An id of that tag that no queue holds, and one of a tag no queue has.
  JobIdGenerator ids;
  EXPECT_FALSE(test::run(io, reader.get(ids.next(std::chrono::system_clock::now(), "alpha"))));
  std::string untagged = "never";
  while (queue_tag(untagged) == queue_tag("alpha")) untagged += "!";
  EXPECT_FALSE(test::run(io, reader.get(ids.next(std::chrono::system_clock::now(), untagged))));
  EXPECT_EQ(backend.redis.command("KEYS cq:id:*"), "*0\r\n");
  reader.close();
}

// Leases and recovery, with two brokers standing for two processes on one Redis.
// The job browser: every id once, newest first, whatever the filter and the page size.
TYPED_TEST(BrokerContractTest, TheJobBrowserListsNewestFirstFilteredAndPaged) {
  std::vector<std::string> all;  // in submission order, so oldest first
  for (int i = 0; i < 5; ++i) all.push_back(this->enqueue(this->spec("echo", "default")).id);
  for (int i = 0; i < 3; ++i) all.push_back(this->enqueue(this->spec("sleep", "other")).id);
  for (int i = 0; i < 2; ++i) {
    const auto claimed = this->claim({"default"}, "w1");
    ASSERT_TRUE(claimed);
    test::run(this->io, this->broker().complete(claimed->id, "w1", boost::json::value(i)));
  }
  const auto list = [&](JobFilter filter, std::size_t limit, std::optional<std::string> before) {
    return test::run(this->io, this->broker().list_jobs(filter, limit, std::move(before)));
  };
  const auto filter = [](std::optional<std::string> queue, std::optional<JobStatus> status,
                         std::optional<std::string> type) {
    JobFilter f;
    f.queue = std::move(queue);
    f.status = status;
    f.type = std::move(type);
    return f;
  };
  const auto ids = [](const JobPage& page) {
    std::vector<std::string> out;
    for (const Job& job : page.jobs) out.push_back(job.id);
    return out;
  };

  const JobPage everything = list({}, 100, std::nullopt);
  EXPECT_EQ(ids(everything), std::vector<std::string>(all.rbegin(), all.rend()));
  EXPECT_FALSE(everything.next_cursor);

  EXPECT_EQ(list(filter("other", {}, {}), 100, std::nullopt).jobs.size(), 3u);
  EXPECT_EQ(list(filter({}, {}, "sleep"), 100, std::nullopt).jobs.size(), 3u);
  const JobPage completed = list(filter({}, JobStatus::completed, {}), 100, std::nullopt);
  EXPECT_EQ(ids(completed), (std::vector<std::string>{all[1], all[0]}));
  EXPECT_EQ(completed.jobs.front().result, boost::json::value(1));
  EXPECT_EQ(list(filter("default", JobStatus::queued, {}), 100, std::nullopt).jobs.size(), 3u);
  EXPECT_TRUE(list(filter("nowhere", {}, {}), 100, std::nullopt).jobs.empty());

  // Pages of 3 over both queues give every job once, in order, and then say it is the end.
  std::vector<std::string> paged;
  std::optional<std::string> cursor;
  for (int pages = 0; pages < 10; ++pages) {
    const JobPage page = list({}, 3, cursor);
    EXPECT_LE(page.jobs.size(), 3u);
    for (const Job& job : page.jobs) paged.push_back(job.id);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  EXPECT_EQ(paged, std::vector<std::string>(all.rbegin(), all.rend()));
}

// Schedules: stored, listed, paused, and each tick claimed once by compare-and-set.
TYPED_TEST(BrokerContractTest, ASchedulesTickIsClaimedOnceAndPausingStopsIt) {
  auto parsed = parse_schedule_definition(
      "beat", boost::json::parse(R"({"every_ms": 1000, "job": {"type": "echo"}})"));
  ASSERT_TRUE(std::holds_alternative<ScheduleDefinition>(parsed));
  const Schedule put =
      test::run(this->io, this->broker().put_schedule(std::get<ScheduleDefinition>(parsed)));
  EXPECT_EQ(put.next_at - put.updated_at, 1s);
  EXPECT_FALSE(put.paused);
  EXPECT_EQ(test::run(this->io, this->broker().schedules()).size(), 1u);
  EXPECT_TRUE(test::run(this->io, this->broker().due_schedules(put.next_at - 1ms, 10)).empty());
  const auto due = test::run(this->io, this->broker().due_schedules(put.next_at, 10));
  ASSERT_EQ(due.size(), 1u);

  // Two firers of the same tick: the first claim wins, the second is told so.
  const SystemTime next = put.next_at + 1s;
  EXPECT_TRUE(test::run(
      this->io, this->broker().advance_schedule("beat", put.next_at, next, put.next_at, "job-1")));
  EXPECT_FALSE(test::run(
      this->io, this->broker().advance_schedule("beat", put.next_at, next, put.next_at, "job-2")));
  const Schedule after = *test::run(this->io, this->broker().get_schedule("beat"));
  EXPECT_EQ(after.next_at, next);
  EXPECT_EQ(after.last_job_id, "job-1");
  EXPECT_EQ(after.last_fired_at, put.next_at);

  // Paused: never due, and a claim fails; resumed: due again from now on.
  ASSERT_TRUE(test::run(this->io, this->broker().set_schedule_paused("beat", true)));
  EXPECT_TRUE(test::run(this->io, this->broker().due_schedules(next + 1h, 10)).empty());
  EXPECT_FALSE(
      test::run(this->io, this->broker().advance_schedule("beat", next, next + 1s, next, "job-3")));
  const Schedule resumed = *test::run(this->io, this->broker().set_schedule_paused("beat", false));
  EXPECT_FALSE(resumed.paused);
  EXPECT_GT(resumed.next_at, std::chrono::system_clock::now() - 1s);

  EXPECT_TRUE(test::run(this->io, this->broker().delete_schedule("beat")));
  EXPECT_FALSE(test::run(this->io, this->broker().delete_schedule("beat")));
  EXPECT_FALSE(test::run(this->io, this->broker().get_schedule("beat")));
  EXPECT_TRUE(test::run(this->io, this->broker().schedules()).empty());
}

class RedisRecoveryTest : public ::testing::Test {
 protected:
  RedisRecoveryTest() {
    RedisBrokerSettings s;
    s.run_recoverer = false;  // the tests run passes themselves
    s.lease = 300ms;
    backend.make(io, s);
    other = std::make_unique<RedisBroker>(io.get_executor(), settings_for_other());
    other->start();
  }

  RedisBrokerSettings settings_for_other() {
    RedisBrokerSettings s;
    s.redis = backend.redis.client_config();
    s.retry = fast_retries();
    s.run_recoverer = false;
    s.max_block = 100ms;
    return s;
  }

  Job submit(int max_attempts = 3) {
    JobSpec s;
    s.type = "echo";
    s.max_attempts = max_attempts;
    return test::run(io, backend.broker->enqueue(s))->job;
  }

  void kill_worker(const std::string& worker) {
    backend.redis.command("DEL " + keys::worker_alive(worker));
  }

  asio::io_context io;
  RedisBackend backend;
  std::unique_ptr<RedisBroker> other;
};

TEST_F(RedisRecoveryTest, ADeadWorkersJobGoesBackAndItsLateResultIsRefused) {
  const Job job = submit();
  ASSERT_TRUE(test::run(io, backend.broker->claim({"default"}, "w-dead", 0ms)));
  // Alive: nothing to recover.
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 0);
  kill_worker("w-dead");
  const RedisBroker::Recovered r = test::run(io, other->recover_once());
  EXPECT_EQ(r.requeued, 1);
  const Job back = *test::run(io, other->get(job.id));
  EXPECT_EQ(back.status, JobStatus::queued);
  EXPECT_EQ(back.attempts, 1);  // the lost run still counts
  EXPECT_NE(back.error->find("lost"), std::string::npos);

  const auto again = test::run(io, other->claim({"default"}, "w-new", 0ms));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 2);
  // The first worker wakes up and reports: refused, the job stays with the new run.
  test::run(io, backend.broker->complete(job.id, "w-dead", boost::json::value("stale")));
  EXPECT_EQ(test::run(io, other->get(job.id))->worker, "w-new");
  test::run(io, other->complete(job.id, "w-new", boost::json::value("fresh")));
  const Job done = *test::run(io, other->get(job.id));
  EXPECT_EQ(done.status, JobStatus::completed);
  EXPECT_EQ(*done.result, "fresh");
  const QueueStats stats = test::run(io, other->stats());
  EXPECT_EQ(stats.queues.at("default")[JobStatus::processing], 0);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 0);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::completed], 1);
}

TEST_F(RedisRecoveryTest, AWorkerRestartedUnderItsIdRecoversItsOwnRunsFirst) {
  const Job job = submit();
  ASSERT_TRUE(test::run(io, backend.broker->claim({"default"}, "w-stable", 0ms)));
  // The process dies; a new one starts under the same id before the heartbeat has run out.
  auto next_life = std::make_unique<RedisBroker>(io.get_executor(), settings_for_other());
  next_life->start();
  const auto claimed = test::run(io, next_life->claim({"default"}, "w-stable", 0ms));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_EQ(claimed->attempts, 2);  // the lost run counts, and is fenced off
  test::run(io, backend.broker->complete(job.id, "w-stable", boost::json::value("stale")));
  EXPECT_EQ(test::run(io, other->get(job.id))->status, JobStatus::processing);
  test::run(io, next_life->complete(job.id, "w-stable", boost::json::value("fresh")));
  EXPECT_EQ(*test::run(io, other->get(job.id))->result, "fresh");
  next_life->close();
  test::run_for(io, 10ms);
}

TEST_F(RedisRecoveryTest, AWorkerThatLeavesIsForgottenAtOnce) {
  submit();
  ASSERT_TRUE(test::run(io, other->claim({"default"}, "w-going", 0ms)));
  EXPECT_EQ(backend.redis.command("SISMEMBER " + keys::workers("default") + " w-going"), ":1\r\n");
  test::run(io, other->leave("w-going"));  // what it still held goes back
  EXPECT_EQ(backend.redis.command("EXISTS " + keys::worker_alive("w-going")), ":0\r\n");
  EXPECT_EQ(backend.redis.command("SISMEMBER " + keys::workers("default") + " w-going"), ":0\r\n");
  const QueueStats stats = test::run(io, other->stats());
  EXPECT_EQ(stats.queues.at("default")[JobStatus::queued], 1);
  EXPECT_EQ(stats.queues.at("default")[JobStatus::processing], 0);
}

TEST_F(RedisRecoveryTest, ALiveWorkersIdAboutToBeActivatedIsLeftAlone) {
  submit();
  // A live worker's BLMOVE has moved the id; its activation is on its way.
  backend.redis.command("SET " + keys::worker_alive("w-busy") + " 1 PX 60000");
  backend.redis.command("SADD " + keys::workers("default") + " w-busy");
  backend.redis.command("LMOVE " + keys::pending("default") + " " +
                        keys::processing("default", "w-busy") + " RIGHT LEFT");
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 0);
  EXPECT_EQ(backend.redis.command("LLEN " + keys::processing("default", "w-busy")), ":1\r\n");
  kill_worker("w-busy");  // had it died instead, the id goes back
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 1);
  EXPECT_EQ(backend.redis.command("LLEN " + keys::pending("default")), ":1\r\n");
}

TEST_F(RedisRecoveryTest, AnExpiredLeaseIsRecoveredFromALiveWorker) {
  const Job job = submit();
  ASSERT_TRUE(test::run(io, backend.broker->claim({"default"}, "w-stuck", 0ms)));
  test::run_for(io, 400ms);  // past the 300 ms lease, no heartbeat
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 1);
  EXPECT_EQ(test::run(io, other->get(job.id))->status, JobStatus::queued);
}

TEST_F(RedisRecoveryTest, HeartbeatsKeepALeaseAndReportALostRun) {
  std::vector<std::string> stopped;
  backend.broker->set_cancel_listener([&](std::string_view id) { stopped.emplace_back(id); });
  const Job kept = submit();
  ASSERT_TRUE(test::run(io, backend.broker->claim({"default"}, "w-live", 0ms)));
  for (int i = 0; i < 6; ++i) {  // 600 ms, twice the lease, renewed every 100 ms
    test::run(io, backend.broker->heartbeat("w-live"));
    test::run_for(io, 100ms);
  }
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 0);
  EXPECT_EQ(test::run(io, other->get(kept.id))->status, JobStatus::processing);
  EXPECT_TRUE(stopped.empty());
  // Taken away behind its back (declared dead): the next heartbeat tells the worker to stop.
  kill_worker("w-live");
  EXPECT_EQ(test::run(io, other->recover_once()).requeued, 1);
  test::run(io, backend.broker->heartbeat("w-live"));
  EXPECT_EQ(stopped, std::vector<std::string>{kept.id});
}

TEST_F(RedisRecoveryTest, OutOfAttemptsARecoveredJobGoesToTheDeadLetters) {
  const Job job = submit(1);
  ASSERT_TRUE(test::run(io, backend.broker->claim({"default"}, "w-dead", 0ms)));
  kill_worker("w-dead");
  EXPECT_EQ(test::run(io, other->recover_once()).buried, 1);
  const Job failed = *test::run(io, other->get(job.id));
  EXPECT_EQ(failed.status, JobStatus::failed);
  EXPECT_EQ(backend.redis.command("LLEN " + keys::dead("default")), ":1\r\n");
  EXPECT_EQ(backend.redis.command("SISMEMBER " + keys::workers("default") + " w-dead"),
            ":0\r\n");  // a dead worker with nothing left is forgotten
}

// Redis goes away while a run ends: the worker keeps its outcome and reports it once Redis is
// back (restarted from its append-only file), instead of leaving the job in 'processing'; its
// claim loops survive the outage too.
TEST(RedisWorkerFaults, AnOutcomeOwedDuringAnOutageIsReportedAfterIt) {
  asio::io_context io;
  RedisBackend backend({"--appendonly", "yes", "--appendfsync", "always"});
  RedisBrokerSettings s;
  s.run_recoverer = false;
  s.redis.request_timeout = 200ms;  // shorter than the outage: the first report fails
  backend.make(io, s);
  RedisBroker& broker = *backend.broker;
  worker::Registry registry;
  worker::builtin::register_all(registry);
  worker::CpuPool cpu(1);
  worker::ProcessorSettings ps;
  ps.worker_id = "w-outage";
  ps.concurrency = 2;
  ps.claim_wait = 100ms;
  worker::Processor processor(io.get_executor(), broker, registry, cpu, ps);
  processor.start();

  JobSpec sleepy;
  sleepy.type = "sleep";
  sleepy.payload = {{"ms", 300}};
  const std::string id = test::run(io, broker.enqueue(sleepy))->job.id;
  while (test::run(io, broker.get(id))->status != JobStatus::processing) test::run_for(io, 5ms);
  backend.redis.stop();  // the run ends while Redis is down
  test::run_for(io, 1000ms);
  backend.redis.restart();
  const auto until = Clock::now() + 20s;
  std::optional<Job> job = test::run(io, broker.get(id), 30s);
  while ((!job || job->status != JobStatus::completed) && Clock::now() < until) {
    test::run_for(io, 50ms);
    job = test::run(io, broker.get(id), 30s);
  }
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::completed);
  // And the worker still claims after the outage.
  JobSpec echo;
  echo.type = "echo";
  const std::string next = test::run(io, broker.enqueue(echo))->job.id;
  std::optional<Job> done = test::run(io, broker.get(next));
  while (done->status != JobStatus::completed && Clock::now() < until) {
    test::run_for(io, 20ms);
    done = test::run(io, broker.get(next));
  }
  EXPECT_EQ(done->status, JobStatus::completed);
  test::run(io, processor.shutdown(Clock::now() + 5s, false));
}

// A worker of several queues blocks on its own wake list; a job on any of its queues wakes it
// at once. max_block is long here, so a wake-up that did not happen would show.
TEST(RedisBrokerClaims, AWorkerOfSeveralQueuesWakesForAJobOnAnyOfThem) {
  asio::io_context io;
  RedisBackend backend;
  RedisBrokerSettings s;
  s.max_block = 20s;
  backend.make(io, s);
  RedisBroker& broker = *backend.broker;
  for (const bool delayed : {false, true}) {
    const auto claim = start_claim(io, broker, {"high", "low"}, "w-multi", 30s);
    test::run_for(io, 200ms);  // asleep by now
    ASSERT_FALSE(claim->returned);
    JobSpec spec;
    spec.type = "echo";
    spec.queue = "low";
    spec.delay_ms = delayed ? 200 : 0;  // the second time, the forwarder makes it due
    const auto sent = Clock::now();
    const std::string id = test::run(io, broker.enqueue(spec))->job.id;
    claim->wait(io, 10s);
    ASSERT_TRUE(claim->returned);
    ASSERT_TRUE(claim->job);
    EXPECT_EQ(claim->job->id, id);
    EXPECT_LT(Clock::now() - sent, 5s);  // not the 20 s of max_block
    test::run(io, broker.complete(id, "w-multi", nullptr));
  }
}

// A take.lua whose reply never came (the request timed out while Redis was stalled) still took
// the job for this worker: its next claim gives it back at once, instead of after the lease.
TEST(RedisBrokerClaims, AJobTakenByAClaimWhoseReplyWasLostIsClaimedAgainAtOnce) {
  asio::io_context io;
  RedisBackend backend;
  RedisBrokerSettings s;
  s.redis.request_timeout = 100ms;
  backend.make(io, s);
  RedisBroker& broker = *backend.broker;
  EXPECT_FALSE(test::run(io, broker.claim({"default"}, "w1", 0ms)));  // registered, tidy
  JobSpec spec;
  spec.type = "echo";
  const std::string id = test::run(io, broker.enqueue(spec))->job.id;

  test::RawConnection stall(backend.redis.port());
  stall.send("DEBUG SLEEP 0.5\r\n");  // Redis answers nothing for half a second
  std::this_thread::sleep_for(50ms);
  EXPECT_THROW(test::run(io, broker.claim({"default"}, "w1", 0ms)), std::system_error);
  stall.read(2s, "+OK");  // Redis is back; the take ran, for a reply nobody waited for
  EXPECT_EQ(test::run(io, broker.get(id))->status, JobStatus::processing);

  const auto again = test::run(io, broker.claim({"default"}, "w1", 0ms));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, id);
  EXPECT_EQ(again->attempts, 1);  // the run that never started does not count
}

// A BLMOVE whose reply was lost still moved the id: the worker's next life puts it back.
TEST(RedisBrokerClaims, AnIdLeftHalfWayInAProcessingListIsReturned) {
  asio::io_context io;
  RedisBackend backend;
  backend.make(io);
  JobSpec s;
  s.type = "echo";
  const Job job = test::run(io, backend.broker->enqueue(s))->job;
  backend.redis.command("LMOVE " + keys::pending("default") + " " +
                        keys::processing("default", "w1") + " RIGHT LEFT");
  const auto claimed = test::run(io, backend.broker->claim({"default"}, "w1", 0ms));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->id, job.id);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(backend.redis.command("LLEN " + keys::processing("default", "w1")), ":1\r\n");
}

TEST_F(RedisRecoveryTest, JobsThatExpireLeaveTheJobBrowsersIndex) {
  RedisBrokerSettings settings = settings_for_other();
  settings.result_ttl = 50ms;
  RedisBroker short_lived(io.get_executor(), settings);
  short_lived.start();
  JobSpec spec;
  spec.type = "echo";
  const Job finished = test::run(io, short_lived.enqueue(spec))->job;
  const Job waiting = test::run(io, short_lived.enqueue(spec))->job;
  const Job cancelled = test::run(io, short_lived.enqueue(spec))->job;
  const auto claimed = test::run(io, short_lived.claim({"default"}, "w1", 0ms));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->id, finished.id);  // FIFO: the first submitted is taken first
  test::run(io, short_lived.complete(finished.id, "w1", boost::json::value(1)));
  test::run(io, short_lived.cancel(cancelled.id));
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::index("default")), ":3\r\n");
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::expiring("default")), ":2\r\n");

  test::run_for(io, 100ms);  // both hashes expire
  test::run(io, short_lived.sweep_indexes());
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::index("default")), ":1\r\n");
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::expiring("default")), ":0\r\n");
  const JobPage left = test::run(io, short_lived.list_jobs({}, 10, std::nullopt));
  ASSERT_EQ(left.jobs.size(), 1u);
  EXPECT_EQ(left.jobs.front().id, waiting.id);

  // A member names the ids of a batch that ended together; one whose hash still exists (its
  // job ended again since, or was put back) stays in the index.
  const std::string gone_id = test::run(io, short_lived.enqueue(spec))->job.id;
  backend.redis.command("DEL " + keys::job("default", gone_id));
  backend.redis.command("ZADD " + keys::expiring("default") + " 1 \"" + gone_id + " " + waiting.id +
                        "\"");
  test::run(io, short_lived.sweep_indexes());
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::index("default")), ":1\r\n");
  EXPECT_EQ(backend.redis.command("ZSCORE " + keys::index("default") + " " + waiting.id),
            "$1\r\n0\r\n");
  EXPECT_EQ(backend.redis.command("ZCARD " + keys::expiring("default")), ":0\r\n");
  short_lived.close();
}

// The firers' ZSET of schedules is a hint written after each schedule's hash, by several
// processes: a score that a race left too late is corrected from the hash within 20 polls.
TEST_F(RedisRecoveryTest, AScheduleHintLeftTooLateIsCorrectedFromItsHash) {
  auto parsed = parse_schedule_definition(
      "beat", boost::json::parse(R"({"every_ms": 1000, "job": {"type": "echo"}})"));
  const Schedule put =
      test::run(io, other->put_schedule(std::get<ScheduleDefinition>(std::move(parsed))));
  backend.redis.command("ZADD " + keys::schedules() + " 99999999999999 beat");
  int polls = 0;
  while (test::run(io, other->due_schedules(put.next_at + 1s, 10)).empty() && polls < 25) ++polls;
  EXPECT_LE(polls, 21);
  EXPECT_EQ(backend.redis.command("ZSCORE " + keys::schedules() + " beat").find("99999999999999"),
            std::string::npos);
}

}  // namespace
}  // namespace coqueue
