#pragma once
// The broker of a deployment: jobs live in Redis, shared by any number of server and worker
// processes. Every state change that touches more than one key is one Lua script
// (core/queue/scripts/); keys are named in core/queue/redis_keys.hpp and explained in
// docs/redis-keys.md.
//
// Claiming: take.lua moves due job ids from the queue's pending list into this worker's
// processing list and marks each job processing, in one script run; when every queue is empty,
// BLMOVE on a connection of the blocking pool (server-side timeout at most `max_block`) moves
// one id and activate.lua marks it. Either counts the attempt, which is also the run's fencing
// token: complete.lua and fail.lua refuse a run whose token or worker no longer matches.
//
// The broker must be closed and destroyed while its io_context is not running, or before
// the context runs again: its background loops reference it.
//
// Leases: a worker proves it is alive with a key that expires after `worker_ttl` unless its
// heartbeat renews it, and each of its runs has a lease (`lease`) that heartbeats extend. A
// recoverer (any started broker may run it; a lock lets one at a time) gives back every job of
// a dead worker, and any job whose lease expired, to pending, or to the dead letters when it
// has no attempts left; the lost run is fenced off.
//
// Submissions, claims and completions are batched (EnqueueBatcher, claim() and
// CompletionBatcher). A worker of several
// queues sleeps on a wake list of its own that producers push to (docs/redis-keys.md).

#include <chrono>
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
#include "core/queue/completion_batcher.hpp"
#include "core/queue/enqueue_batcher.hpp"
#include "core/redis/blocking_pool.hpp"
#include "core/redis/connection.hpp"
#include "core/redis/script.hpp"
#include "core/redis/subscriber.hpp"

namespace coqueue {

struct RedisBrokerSettings {
  redis::Config redis;
  RetryPolicy retry;
  std::chrono::milliseconds result_ttl{std::chrono::hours(1)};        // finished jobs
  std::chrono::milliseconds idempotency_ttl{std::chrono::hours(24)};  // keys of submissions
  std::size_t max_queue_length = 0;  // waiting (queued + scheduled) jobs per queue; 0: no cap
  // A type a worker advertised stays known this long after the last advertisement.
  std::chrono::milliseconds advertised_type_ttl{std::chrono::hours(24)};
  std::chrono::milliseconds lease{15'000};       // a run is lost if not extended within this
  std::chrono::milliseconds worker_ttl{15'000};  // a worker is dead this long after its last beat
  std::chrono::milliseconds recover_interval{1000};  // how often the recoverer looks
  bool run_recoverer = true;
  // Servers wait for completions (one pattern subscription per process); workers need not, and
  // every subscriber costs Redis work on each completion's PUBLISH.
  bool listen_for_completions = true;
  std::chrono::milliseconds max_block{1000};       // BLMOVE's server-side timeout, at most
  std::chrono::milliseconds promote_interval{50};  // how often due scheduled jobs move
  std::size_t blocking_connections = 4;
};

class RedisBroker final : public Broker {
 public:
  RedisBroker(executor ex, RedisBrokerSettings settings);
  ~RedisBroker() override;

  // Connects, subscribes to completions and cancel requests, starts the forwarder of
  // scheduled jobs.
  void start();
  void close();

  std::string_view backend_name() const override { return "redis"; }
  awaitable<bool> ready() override;

  awaitable<EnqueueOutcome> enqueue(JobSpec spec) override;
  std::string new_job_id(std::string_view queue) override;
  awaitable<std::vector<EnqueueOutcome>> enqueue_many(std::vector<JobSpec> specs) override;
  awaitable<std::optional<Job>> get(std::string id) override;
  awaitable<std::optional<Job>> get_in_queue(std::string queue, std::string id) override;
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
  awaitable<void> leave(std::string worker_id) override;

  awaitable<void> heartbeat(std::string worker_id) override;
  void set_worker_status(std::string worker_id, boost::json::object status) override;
  awaitable<void> set_paused(std::string queue, bool paused) override;
  awaitable<void> report_progress(std::string id, std::string worker_id,
                                  boost::json::value progress) override;
  awaitable<std::vector<boost::json::object>> workers() override;

  awaitable<DeadLetters> dead_letters(std::string queue, std::size_t offset,
                                      std::size_t limit) override;
  awaitable<RetryOutcome> retry_failed(std::string id) override;
  awaitable<std::int64_t> requeue_dead(std::string queue) override;
  awaitable<std::int64_t> purge_dead(std::string queue) override;

  awaitable<void> advertise_types(std::vector<std::string> names) override;
  awaitable<bool> is_type_advertised(std::string name) override;

  awaitable<void> add_job_metrics(JobMetrics delta) override;
  awaitable<JobMetrics> job_metrics() override;
  std::optional<redis::Metrics> redis_metrics() const override;

  void set_cancel_listener(CancelListener listener) override;
  CompletionHub& completions() override { return hub_; }

  struct Recovered {
    std::int64_t requeued = 0;  // made due again
    std::int64_t buried = 0;    // out of attempts: dead letters
  };
  // One pass of the recoverer over every queue and worker (the background loop calls it).
  awaitable<Recovered> recover_once();
  // Drops the ids of expired jobs from every queue's index (redis_broker_listing.cpp).
  awaitable<void> sweep_indexes();
  // Sets every schedule's score in cq:schedules from its hash (redis_broker_schedules.cpp).
  awaitable<void> reconcile_schedule_hints();
  // The schedules of these names, read in one round trip; nothing for one that is gone.
  awaitable<std::vector<std::optional<Schedule>>> read_schedules(std::vector<std::string> names);
  std::uint64_t schedule_polls_ = 0;

 private:
  // The claims in progress of one worker id.
  struct Claimers {
    // Once registered (known alive and listed as a worker of them): the queues it serves.
    std::optional<std::vector<std::string>> registered;
    bool tidy = false;        // no id left half way in its processing lists
    bool fetching = false;    // one claim fetches for all; the others sleep
    std::deque<Job> ready;    // activated for this worker, not handed to a claim yet
    std::size_t waiting = 0;  // claim() calls in progress
    std::uint64_t interrupts = 0;
    std::list<asio::steady_timer*> sleepers;
  };

  awaitable<bool> wait_for_fetch(Claimers& c, SteadyTime deadline);
  awaitable<void> prepare_to_claim(const std::vector<std::string>& queues,
                                   const std::string& worker, Claimers& c);
  awaitable<std::optional<Job>> block_for_job(const std::vector<std::string>& queues,
                                              const std::string& worker, Claimers& c,
                                              SteadyTime deadline);
  // SET of the worker's alive key, with the status it last reported as the value.
  void push_alive(redis::Request& request, const std::string& worker) const;
  awaitable<void> sleep_until_woken(const std::vector<std::string>& queues,
                                    const std::string& worker, redis::BlockingPool::Lease lease,
                                    std::chrono::milliseconds block);
  // Pushes a marker on the wake list of each worker named in `sleepers` (a script's reply).
  awaitable<void> wake(const redis::RespValue& sleepers);

  // A run this process holds: what its scripts need to name keys and prove ownership.
  struct Held {
    std::string queue;
    std::string worker;
    std::string run;  // the job's run number when activated: the fencing token
    int attempt = 0;  // for the retry delay
    int max_attempts = 1;
    bool awaited = false;  // a request waits for its end: announce a note on the run
  };

  awaitable<redis::RespValue> run_script(redis::Script& script, std::vector<std::string> keys,
                                         std::vector<std::string> args);
  awaitable<redis::Replies> exec(redis::Request request);
  // Jobs of one queue (at most max_enqueue_batch), in one round trip.
  awaitable<std::vector<EnqueueOutcome>> enqueue_batch(std::vector<JobSpec> specs);
  // The queue holding the job with this id, found through the queue tag the id carries
  // (job_id.hpp); the job itself goes to `*job` when `job` is given (read in the same request).
  awaitable<std::optional<std::string>> locate(const std::string& id, std::optional<Job>* job);
  // The first of `queues` that holds the job (HGETALL into `*job`, or EXISTS without it).
  awaitable<std::optional<std::string>> find_in(const std::vector<std::string>& queues,
                                                const std::string& id, std::optional<Job>* job);
  awaitable<std::optional<std::string>> queue_of(const std::string& id);
  void remember_queue(const std::string& queue);
  // A job this worker just activated: remember its run (the fencing token).
  void hold(const std::string& queue, const std::string& worker, const Job& job, std::string run);
  awaitable<std::optional<Job>> activate(const std::string& queue, const std::string& id,
                                         const std::string& worker);
  // Up to `wanted` due jobs of the first queues that have them, activated, appended to `into`.
  // Paused queues are left out and named in `paused`.
  awaitable<std::size_t> take_now(const std::vector<std::string>& queues, const std::string& worker,
                                  std::size_t wanted, std::deque<Job>& into,
                                  std::set<std::string>& paused);
  // Runs of `worker` that a previous life of it left behind go back to pending (or to the dead
  // letters), before this life claims anything.
  awaitable<void> recover_own(const std::vector<std::string>& queues, const std::string& worker);
  awaitable<Recovered> recover_list(const std::string& queue, const std::string& worker, bool dead);
  awaitable<void> release_stranded(const std::vector<std::string>& queues,
                                   const std::string& worker);
  awaitable<FailOutcome> end_run(std::string id, std::string worker, std::string error,
                                 bool cancelled);
  awaitable<void> listen_done(std::shared_ptr<bool> alive);
  awaitable<void> listen_changed(std::shared_ptr<bool> alive);
  awaitable<void> listen_cancel(std::shared_ptr<bool> alive);
  awaitable<void> forward_scheduled(std::shared_ptr<bool> alive);
  awaitable<void> recover_periodically(std::shared_ptr<bool> alive);

  executor ex_;
  RedisBrokerSettings settings_;
  redis::Connection conn_;
  redis::BlockingPool blocking_;
  redis::Subscriber subscriber_;
  std::unique_ptr<redis::Subscriber::Subscription> done_;
  std::unique_ptr<redis::Subscriber::Subscription> changed_;
  std::unique_ptr<redis::Subscriber::Subscription> cancels_;
  redis::Script enqueue_script_, take_script_, activate_script_, release_script_, fail_script_,
      cancel_script_, promote_script_, extend_script_, recover_script_, hand_back_script_,
      requeue_dead_script_, purge_dead_script_, progress_script_, list_jobs_script_,
      sweep_index_script_, advance_schedule_script_;
  CompletionBatcher completions_;
  EnqueueBatcher enqueues_;  // single submissions, batched per queue
  CompletionHub hub_;
  CancelListener cancel_listener_;
  JobIdGenerator ids_;
  std::mt19937_64 rng_;
  std::unordered_map<std::string, Held> held_;
  std::map<std::string, Claimers, std::less<>> claimers_;            // by worker id
  std::map<std::string, std::string, std::less<>> worker_status_;    // JSON, by worker id
  std::set<std::string, std::less<>> known_queues_;                  // already in cq:queues
  std::map<std::uint16_t, std::vector<std::string>> queues_by_tag_;  // seen, by id tag
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool started_ = false;
};

}  // namespace coqueue
