#pragma once
// Runs jobs: `concurrency` claim loops, each claiming a job from the broker, running its
// handler with the job's timeout, and reporting the outcome (complete, fail or cancelled).
// A cancel request for a running job stops its handler through asio cancellation and the
// JobContext's stop token.

#include <chrono>
#include <memory>
#include <random>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"
#include "core/support/histogram.hpp"
#include "worker/cpu_pool.hpp"
#include "worker/queue_order.hpp"
#include "worker/registry.hpp"

namespace coqueue::worker {

struct ProcessorSettings {
  std::string worker_id;
  std::vector<std::string> queues{"default"};
  // With weights (one per queue), each claim looks at the queues in a weighted random order
  // (worker/queue_order.hpp); without, in the order given.
  std::vector<std::uint32_t> weights;
  std::size_t concurrency = 4;
  // How long one claim blocks before the loop looks around; bounds how late a stop is seen.
  std::chrono::milliseconds claim_wait{1000};
  // How often the worker proves it is alive and extends its runs' leases; well within both.
  std::chrono::milliseconds heartbeat_interval{5000};
  // How long a run's outcome is retried while the backend is unreachable (about a lease: past
  // it the backend would refuse the outcome anyway).
  std::chrono::milliseconds outcome_retry_for{15'000};
  // Run counts and durations are sent to the broker with each heartbeat; this much later at
  // most, they show in GET /metrics.
};

class Processor {
 public:
  Processor(executor ex, Broker& broker, const Registry& registry, CpuPool& cpu,
            ProcessorSettings settings);
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  void start();

  // Stops claiming and waits for the runs in flight until `deadline`; runs still going then are
  // stopped and handed back to the broker (due again, the attempt not counted). Then the worker
  // leaves the broker. With `finish_queued`, the loops first claim and run every job that is
  // already due (the embedded mode, where the queue dies with the process).
  awaitable<void> shutdown(SteadyTime deadline, bool finish_queued);

  std::size_t in_flight() const { return running_.size(); }
  // Seconds from a lost run's last sign of life to the job running again here (the recovery
  // time of a worker's death or stall), one observation per recovered job this worker ran.
  const Histogram& recovery_seconds() const { return recovery_seconds_; }
  const std::string& worker_id() const { return settings_.worker_id; }

 private:
  enum class StopReason { none, cancelled, timeout, shutdown };
  enum class Ending { complete, cancelled, fail, hand_back };
  struct Run {
    asio::cancellation_signal signal;
    std::stop_source stop;
    StopReason reason = StopReason::none;
    bool done = false;
  };

  awaitable<void> claim_loop();
  awaitable<void> heartbeat_loop();
  awaitable<void> flush_metrics();
  boost::json::object status() const;
  awaitable<void> run(Job job);
  awaitable<void> report_progress(std::string job_id, boost::json::value progress);
  awaitable<std::string> settle(std::string job_id, Ending ending, boost::json::value result,
                                std::string error);
  awaitable<void> sleep_for(std::chrono::milliseconds duration);
  void stop_run(Run& run, StopReason reason);
  void stop_heartbeats();
  awaitable<void> leave();

  executor ex_;
  Broker& broker_;
  const Registry& registry_;
  CpuPool& cpu_;
  ProcessorSettings settings_;
  QueueWeights order_;
  Histogram recovery_seconds_{{0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120}};
  JobMetrics unsent_metrics_;  // runs and recoveries since the last report to the broker
  std::mt19937_64 rng_{std::random_device{}()};
  std::unordered_map<std::string, std::shared_ptr<Run>> running_;
  std::size_t loops_ = 0;
  std::uint64_t jobs_done_ = 0;  // runs ended, whatever their outcome
  SystemTime started_at_ = std::chrono::system_clock::now();
  bool stopping_ = false;
  bool finish_queued_ = false;
  asio::steady_timer loops_done_;
  asio::steady_timer heartbeat_timer_;
  bool heartbeats_stopped_ = false;
};

}  // namespace coqueue::worker
