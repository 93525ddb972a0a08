#pragma once
// The embedded broker: every job in this process's memory, on one io_context thread.
// Same contract as the Redis broker (tests/unit/broker_contract_test.cpp holds both to it);
// jobs do not outlive the process. Finished jobs are kept for `result_ttl`, at most
// `max_finished_jobs` of them, so memory stays bounded under any load.

#include <deque>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>

#include "core/job/job_id.hpp"
#include "core/job/retry_policy.hpp"
#include "core/queue/broker.hpp"

namespace coqueue {

struct MemoryBrokerSettings {
  RetryPolicy retry;
  std::chrono::milliseconds result_ttl{std::chrono::hours(1)};
  std::size_t max_finished_jobs = 100'000;
  std::size_t max_queue_length = 0;  // waiting (queued + scheduled) jobs per queue; 0: no cap
};

class MemoryBroker final : public Broker {
 public:
  MemoryBroker(executor ex, MemoryBrokerSettings settings);
  ~MemoryBroker() override;

  std::string_view backend_name() const override { return "memory"; }
  awaitable<bool> ready() override;

  awaitable<EnqueueOutcome> enqueue(JobSpec spec) override;
  std::string new_job_id(std::string_view queue) override;
  awaitable<std::vector<EnqueueOutcome>> enqueue_many(std::vector<JobSpec> specs) override;
  awaitable<std::optional<Job>> get(std::string id) override;
  awaitable<CancelResult> cancel(std::string id) override;
  awaitable<QueueStats> stats() override;
  awaitable<Schedule> put_schedule(ScheduleDefinition definition) override;
  awaitable<std::optional<Schedule>> get_schedule(std::string name) override;
  awaitable<std::vector<Schedule>> schedules() override;
  awaitable<bool> delete_schedule(std::string name) override;
  awaitable<std::optional<Schedule>> set_schedule_paused(std::string name, bool paused) override;
  awaitable<std::vector<Schedule>> due_schedules(SystemTime now, std::size_t limit) override;
  awaitable<bool> advance_schedule(std::string name, SystemTime expected,
                                   std::optional<SystemTime> next_at,
                                   std::optional<SystemTime> fired,
                                   std::optional<std::string> job_id) override;
  awaitable<JobPage> list_jobs(JobFilter filter, std::size_t limit,
                               std::optional<std::string> before) override;

  awaitable<std::optional<Job>> claim(std::vector<std::string> queues, std::string worker_id,
                                      std::chrono::milliseconds max_wait) override;
  void interrupt_claims(std::string_view worker_id) override;

  awaitable<void> complete(std::string id, std::string worker_id,
                           boost::json::value result) override;
  awaitable<FailOutcome> fail(std::string id, std::string worker_id, std::string error) override;
  awaitable<void> finish_cancelled(std::string id, std::string worker_id) override;
  awaitable<void> hand_back(std::string id, std::string worker_id) override;
  awaitable<void> leave(std::string) override { co_return; }
  // In-process workers run the server's own registry: nothing to advertise.
  awaitable<void> advertise_types(std::vector<std::string>) override { co_return; }
  awaitable<bool> is_type_advertised(std::string) override { co_return false; }

  awaitable<DeadLetters> dead_letters(std::string queue, std::size_t offset,
                                      std::size_t limit) override;
  awaitable<RetryOutcome> retry_failed(std::string id) override;
  awaitable<std::int64_t> requeue_dead(std::string queue) override;
  awaitable<std::int64_t> purge_dead(std::string queue) override;

  // Workers live in this process: nothing to prove or renew.
  awaitable<void> heartbeat(std::string) override { co_return; }
  awaitable<void> set_paused(std::string queue, bool paused) override;
  awaitable<void> report_progress(std::string id, std::string worker_id,
                                  boost::json::value progress) override;
  void set_worker_status(std::string worker_id, boost::json::object status) override;
  awaitable<std::vector<boost::json::object>> workers() override;

  awaitable<void> add_job_metrics(JobMetrics delta) override {
    job_metrics_.add(delta);
    co_return;
  }
  awaitable<JobMetrics> job_metrics() override { co_return job_metrics_; }

  void set_cancel_listener(CancelListener listener) override;
  CompletionHub& completions() override { return hub_; }

  // Jobs that have not finished yet (queued, scheduled or processing), over all queues.
  std::size_t unfinished_jobs() const;

 private:
  struct Entry {
    Job job;
    boost::json::value fingerprint;  // set when the job has an idempotency key
    SteadyTime finished{};           // when it last ended: matches its entry in finished_
  };
  struct ClaimWaiter {
    const std::vector<std::string>* queues;
    std::string_view worker_id;
    asio::steady_timer* timer;
    bool woken = false;
    bool interrupted = false;
  };

  std::optional<Job> take_next(const std::vector<std::string>& queues,
                               const std::string& worker_id);
  Entry* running_entry(const std::string& id, const std::string& worker_id);
  void set_status(Job& job, JobStatus status);
  void make_due(Job& job);
  void schedule(Job& job, std::chrono::milliseconds delay);
  void finish(Job& job, JobStatus status);
  void arm_schedule_timer();
  void promote_due();
  void wake_claimer(const std::string& queue);
  void evict_expired();
  void forget(std::unordered_map<std::string, Entry>::iterator it);
  void requeue_failed(Job& job);
  void drop_dead_letter(const Job& job);

  executor ex_;
  MemoryBrokerSettings settings_;
  JobIdGenerator ids_;
  std::mt19937_64 rng_;
  std::unordered_map<std::string, Entry> jobs_;
  std::set<std::string> ids_in_order_;  // every id in jobs_, for list_jobs (ids sort by age)
  std::unordered_map<std::string, std::deque<std::string>> pending_;  // per queue, FIFO
  std::multimap<SteadyTime, std::string> scheduled_;
  asio::steady_timer schedule_timer_;
  std::optional<SteadyTime> schedule_timer_at_;
  std::deque<std::pair<SteadyTime, std::string>> finished_;   // in finishing order, for expiry
  std::map<std::string, std::deque<std::string>> dead_;       // per queue, failed ids, newest first
  std::unordered_map<std::string, std::string> idempotency_;  // queue\nkey -> job id
  std::list<ClaimWaiter*> claim_waiters_;
  std::map<std::string, StatusCounts> counts_;
  std::set<std::string> paused_;
  std::map<std::string, Schedule> schedules_;
  JobMetrics job_metrics_;
  std::map<std::string, boost::json::object> worker_status_;  // in-process workers, by id
  std::size_t unfinished_ = 0;
  CompletionHub hub_;
  CancelListener cancel_listener_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace coqueue
