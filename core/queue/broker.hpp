#pragma once
// The broker: where jobs wait, are claimed, and end. Two implementations keep the same
// contract: the in-memory broker of the embedded mode, and the Redis broker of a deployment.
// Servers call enqueue/get/cancel/stats; workers call claim and then exactly one of
// complete/fail/finish_cancelled per claimed run.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "core/job/job.hpp"
#include "core/job/job_spec.hpp"
#include "core/queue/completion_hub.hpp"
#include "core/queue/job_listing.hpp"
#include "core/queue/job_metrics.hpp"
#include "core/queue/queue_errc.hpp"
#include "core/queue/queue_stats.hpp"
#include "core/redis/metrics.hpp"
#include "core/schedule/schedule.hpp"
#include "core/support/awaitable.hpp"

namespace coqueue {

struct EnqueueResult {
  Job job;
  bool created = true;  // false when an idempotency key matched an earlier job
};
using EnqueueOutcome = boost::system::result<EnqueueResult, std::error_code>;

enum class CancelOutcome {
  cancelled,         // it was queued or scheduled and will never run
  cancel_requested,  // it is running; its handler has been told to stop
  already_finished,  // too late: it had reached a terminal status
  not_found,
};

struct CancelResult {
  CancelOutcome outcome;
  std::optional<Job> job;
};

// What happened to a run that failed: retried later, or out of attempts.
enum class FailOutcome { retry_scheduled, failed, ignored };

// A page of a queue's dead letters (jobs that failed for good), newest first.
struct DeadLetters {
  std::vector<Job> jobs;
  std::int64_t total = 0;  // in the queue, over all pages
};

enum class RetryOutcome { requeued, not_failed, not_found };

class Broker {
 public:
  using CancelListener = std::function<void(std::string_view job_id)>;

  virtual ~Broker() = default;

  virtual std::string_view backend_name() const = 0;
  virtual awaitable<bool> ready() = 0;

  virtual awaitable<EnqueueOutcome> enqueue(JobSpec spec) = 0;
  // An id for a job of `queue` not submitted yet (JobSpec::id), unique like those enqueue gives.
  virtual std::string new_job_id(std::string_view queue) = 0;
  // Many at once, each answered as enqueue() would, in order. The Redis broker takes the jobs
  // of one queue in one round trip and one script run.
  virtual awaitable<std::vector<EnqueueOutcome>> enqueue_many(std::vector<JobSpec> specs) = 0;
  virtual awaitable<std::optional<Job>> get(std::string id) = 0;
  // The same, for a job whose queue the caller knows (it submitted the job): the Redis broker
  // skips looking the queue up by id, a round trip.
  virtual awaitable<std::optional<Job>> get_in_queue(std::string queue, std::string id) {
    (void)queue;
    return get(std::move(id));
  }
  virtual awaitable<CancelResult> cancel(std::string id) = 0;
  virtual awaitable<QueueStats> stats() = 0;
  // The job browser: jobs that match `filter`, newest first, starting below the id `before`
  // (a previous page's next_cursor), at most `limit` (1 to max_list_limit) of them.
  virtual awaitable<JobPage> list_jobs(JobFilter filter, std::size_t limit,
                                       std::optional<std::string> before) = 0;

  // Takes the next due job of the first non-empty queue (in the order given), marks it
  // processing for `worker_id` and counts the attempt. Waits up to `max_wait` for one to arrive.
  virtual awaitable<std::optional<Job>> claim(std::vector<std::string> queues,
                                              std::string worker_id,
                                              std::chrono::milliseconds max_wait) = 0;
  // Makes this worker's waiting claims return nothing now (the worker is stopping).
  virtual void interrupt_claims(std::string_view worker_id) = 0;

  // The end of a run. A call for a job this worker no longer holds is ignored.
  virtual awaitable<void> complete(std::string id, std::string worker_id,
                                   boost::json::value result) = 0;
  virtual awaitable<FailOutcome> fail(std::string id, std::string worker_id, std::string error) = 0;
  virtual awaitable<void> finish_cancelled(std::string id, std::string worker_id) = 0;
  // A stopping worker gives back a run it will not finish: the job is due again at the head of
  // its queue and the cut-off run does not count as an attempt (a job whose cancel was asked
  // for ends cancelled instead). Ignored for a job this worker no longer holds.
  virtual awaitable<void> hand_back(std::string id, std::string worker_id) = 0;
  // A worker that stops for good and holds nothing any more: forget it at once, rather than
  // when its heartbeat runs out.
  virtual awaitable<void> leave(std::string worker_id) = 0;

  // A live worker's heartbeat: it is alive, and the leases of the runs it holds go on. A run
  // found lost meanwhile (recovered, so fenced off) is reported to the cancel listener, so its
  // handler stops. Call it well within the lease.
  virtual awaitable<void> heartbeat(std::string worker_id) = 0;
  // A running job's progress, as its handler reports it; ignored for a run no longer held.
  virtual awaitable<void> report_progress(std::string id, std::string worker_id,
                                          boost::json::value progress) = 0;
  // What a live worker says about itself (host, pid, queues, load...), written with its next
  // heartbeats; workers() lists the live workers with theirs, each with its "id".
  virtual void set_worker_status(std::string worker_id, boost::json::object status) = 0;
  virtual awaitable<std::vector<boost::json::object>> workers() = 0;

  // Dead letters. A failed job requeued goes to the back of its queue with its attempts given
  // back (max_attempts new runs); its last error stays until it runs again.
  virtual awaitable<DeadLetters> dead_letters(std::string queue, std::size_t offset,
                                              std::size_t limit) = 0;
  virtual awaitable<RetryOutcome> retry_failed(std::string id) = 0;
  // Every dead letter of the queue: requeued, or forgotten (purged). Returns how many.
  virtual awaitable<std::int64_t> requeue_dead(std::string queue) = 0;
  virtual awaitable<std::int64_t> purge_dead(std::string queue) = 0;

  // A paused queue keeps taking jobs, but no worker claims from it until it is resumed; runs in
  // flight go on. Resuming wakes the workers that wait on it.
  virtual awaitable<void> set_paused(std::string queue, bool paused) = 0;

  // Job types. A worker advertises the types it can run (and again now and then); a server
  // accepts jobs of an advertised type even though it has no handler for it.
  virtual awaitable<void> advertise_types(std::vector<std::string> names) = 0;
  virtual awaitable<bool> is_type_advertised(std::string name) = 0;

  // Run counts and durations and recovery times: a worker adds what it measured since its last
  // report; job_metrics() has the totals of every worker since the backend began.
  virtual awaitable<void> add_job_metrics(JobMetrics delta) = 0;
  virtual awaitable<JobMetrics> job_metrics() = 0;

  // Periodic schedules (core/schedule/schedule.hpp). Putting one replaces its definition and
  // counts its ticks afresh from now; its pause, creation time and last fire stay.
  virtual awaitable<Schedule> put_schedule(ScheduleDefinition definition) = 0;
  virtual awaitable<std::optional<Schedule>> get_schedule(std::string name) = 0;
  virtual awaitable<std::vector<Schedule>> schedules() = 0;  // by name
  virtual awaitable<bool> delete_schedule(std::string name) = 0;
  // Resuming counts the next tick from now. Nothing when there is no such schedule.
  virtual awaitable<std::optional<Schedule>> set_schedule_paused(std::string name, bool paused) = 0;
  // Schedules not paused whose next tick is at or before `now`, at most `limit`.
  virtual awaitable<std::vector<Schedule>> due_schedules(SystemTime now, std::size_t limit) = 0;
  // The claim of a tick: when the schedule's next tick is still `expected`, it becomes
  // `next_at` (none: it never fires again), and the fired tick and its job are recorded. False
  // when another process advanced it first, or the schedule changed or went.
  virtual awaitable<bool> advance_schedule(std::string name, SystemTime expected,
                                           std::optional<SystemTime> next_at,
                                           std::optional<SystemTime> fired,
                                           std::optional<std::string> job_id) = 0;

  // The Redis client's own counters (round trips, reconnects), when the backend is Redis.
  virtual std::optional<redis::Metrics> redis_metrics() const { return std::nullopt; }

  // Called with the id of a processing job whose cancellation was asked for.
  virtual void set_cancel_listener(CancelListener listener) = 0;

  // Woken when a job reaches a terminal status.
  virtual CompletionHub& completions() = 0;
};

}  // namespace coqueue
