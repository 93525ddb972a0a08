// What only the in-memory broker does: bounded retention of finished jobs and the count of
// unfinished ones. The contract both brokers keep is tests/integration/broker_contract_test.cpp.

#include "core/queue/memory_broker.hpp"

#include <set>

#include <gtest/gtest.h>

#include "tests/support/run_coroutine.hpp"

namespace coqueue {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

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

  std::optional<Job> claim(std::vector<std::string> queues = {"default"}, std::string worker = "w1",
                           std::chrono::milliseconds wait = 0ms) {
    return test::run(io, broker->claim(std::move(queues), std::move(worker), wait));
  }

  Job get(const std::string& id) { return *test::run(io, broker->get(id)); }

  asio::io_context io;
  std::unique_ptr<MemoryBroker> broker;
};

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
  EXPECT_EQ(stats.totals()[JobStatus::completed], 3);  // ends are counted, kept or not
  JobSpec reuse = spec();
  reuse.idempotency_key = "k0";  // the key went with its job
  EXPECT_TRUE(test::run(io, broker->enqueue(reuse))->created);
}

TEST_F(MemoryBrokerTest, CountsWhatIsUnfinished) {
  enqueue(spec());
  JobSpec later = spec();
  later.delay_ms = 60'000;
  enqueue(later);
  const Job running = enqueue(spec());
  EXPECT_EQ(broker->unfinished_jobs(), 3u);
  const auto claimed = claim();
  test::run(io, broker->complete(claimed->id, "w1", nullptr));
  EXPECT_EQ(broker->unfinished_jobs(), 2u);
  (void)running;
}

}  // namespace
}  // namespace coqueue
