#include "core/queue/memory_broker.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coqueue {
namespace {

using Clock = std::chrono::steady_clock;

SystemTime wall_now() {
  return std::chrono::system_clock::now();
}

// Idempotency keys are scoped to their queue, as in the Redis broker (where a key must live in
// its queue's cluster slot).
std::string idempotency_slot(const std::string& queue, const std::string& key) {
  std::string slot = queue;
  slot += '\n';  // not allowed in queue names, so no two (queue, key) pairs collide
  slot += key;
  return slot;
}

}  // namespace

MemoryBroker::MemoryBroker(executor ex, MemoryBrokerSettings settings)
    : ex_(ex), settings_(settings), rng_(std::random_device{}()), schedule_timer_(ex), hub_(ex) {}

MemoryBroker::~MemoryBroker() {
  *alive_ = false;
  schedule_timer_.cancel();
}

awaitable<bool> MemoryBroker::ready() {
  co_return true;
}

awaitable<std::vector<EnqueueOutcome>> MemoryBroker::enqueue_many(std::vector<JobSpec> specs) {
  std::vector<EnqueueOutcome> out;
  out.reserve(specs.size());
  for (JobSpec& spec : specs) out.push_back(co_await enqueue(std::move(spec)));
  co_return out;
}

std::string MemoryBroker::new_job_id(std::string_view queue) {
  return ids_.next(wall_now(), queue);
}

awaitable<EnqueueOutcome> MemoryBroker::enqueue(JobSpec spec) {
  evict_expired();
  if (spec.idempotency_key) {
    const std::string key = idempotency_slot(spec.queue, *spec.idempotency_key);
    if (auto it = idempotency_.find(key); it != idempotency_.end()) {
      const Entry& earlier = jobs_.at(it->second);
      if (earlier.fingerprint != spec.fingerprint()) {
        co_return make_error_code(queue_errc::idempotency_conflict);
      }
      co_return EnqueueResult{earlier.job, false};
    }
  }

  if (settings_.max_queue_length > 0) {
    StatusCounts& counts = counts_[spec.queue];
    const auto waiting = counts[JobStatus::queued] + counts[JobStatus::scheduled];
    if (waiting >= static_cast<std::int64_t>(settings_.max_queue_length)) {
      co_return make_error_code(queue_errc::queue_full);
    }
  }

  Job job;
  job.id = spec.id.empty() ? ids_.next(wall_now(), spec.queue) : std::move(spec.id);
  job.queue = spec.queue;
  job.type = spec.type;
  job.max_attempts = spec.max_attempts;
  job.timeout_ms = spec.timeout_ms;
  job.idempotency_key = spec.idempotency_key;
  job.created_at = wall_now();
  job.status = JobStatus::queued;  // counted below, by set_status
  Entry entry{std::move(job), spec.idempotency_key ? spec.fingerprint() : boost::json::value()};
  entry.job.payload = std::move(spec.payload);

  auto [it, inserted] = jobs_.emplace(entry.job.id, std::move(entry));
  ids_in_order_.insert(it->first);
  Job& stored = it->second.job;
  ++counts_[stored.queue][JobStatus::queued];
  ++unfinished_;
  if (stored.idempotency_key) {
    idempotency_[idempotency_slot(stored.queue, *stored.idempotency_key)] = stored.id;
  }

  if (spec.delay_ms > 0) {
    schedule(stored, std::chrono::milliseconds(spec.delay_ms));
  } else {
    make_due(stored);
  }
  co_return EnqueueResult{stored, true};
}

awaitable<std::optional<Job>> MemoryBroker::get(std::string id) {
  evict_expired();  // so a job past its result TTL is gone for readers too
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) co_return std::nullopt;
  co_return it->second.job;
}

awaitable<CancelResult> MemoryBroker::cancel(std::string id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) co_return CancelResult{CancelOutcome::not_found, std::nullopt};
  Job& job = it->second.job;
  if (is_terminal(job.status)) co_return CancelResult{CancelOutcome::already_finished, job};
  if (job.status == JobStatus::processing) {
    job.cancel_requested = true;
    if (cancel_listener_) cancel_listener_(job.id);
    co_return CancelResult{CancelOutcome::cancel_requested, job};
  }
  // Queued or scheduled: its entry in pending_/scheduled_ is skipped when reached.
  finish(job, JobStatus::cancelled);
  co_return CancelResult{CancelOutcome::cancelled, job};
}

awaitable<QueueStats> MemoryBroker::stats() {
  evict_expired();
  QueueStats stats;
  stats.queues = counts_;
  stats.paused = paused_;
  for (const auto& [queue, ids] : dead_) stats.dead[queue] = static_cast<std::int64_t>(ids.size());
  const SystemTime now = wall_now();
  for (const auto& [queue, ids] : pending_) {
    for (const std::string& id : ids) {  // the first still queued (cancelled ids are skipped)
      const auto it = jobs_.find(id);
      if (it == jobs_.end() || it->second.job.status != JobStatus::queued) continue;
      stats.oldest_queued_age_ms[queue] = std::max<std::int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.job.created_at)
                 .count());
      break;
    }
  }
  co_return stats;
}

awaitable<std::optional<Job>> MemoryBroker::claim(std::vector<std::string> queues,
                                                  std::string worker_id,
                                                  std::chrono::milliseconds max_wait) {
  const SteadyTime deadline = Clock::now() + max_wait;
  for (;;) {
    if (auto job = take_next(queues, worker_id)) co_return job;
    if (Clock::now() >= deadline) co_return std::nullopt;

    asio::steady_timer timer(ex_, deadline);
    ClaimWaiter waiter{&queues, worker_id, &timer};
    claim_waiters_.push_back(&waiter);
    const auto position = std::prev(claim_waiters_.end());
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!waiter.woken) claim_waiters_.erase(position);
    if (waiter.interrupted) co_return std::nullopt;
  }
}

void MemoryBroker::interrupt_claims(std::string_view worker_id) {
  for (auto it = claim_waiters_.begin(); it != claim_waiters_.end();) {
    ClaimWaiter* waiter = *it;
    if (waiter->worker_id == worker_id) {
      waiter->woken = true;
      waiter->interrupted = true;
      waiter->timer->cancel();
      it = claim_waiters_.erase(it);
    } else {
      ++it;
    }
  }
}

awaitable<void> MemoryBroker::complete(std::string id, std::string worker_id,
                                       boost::json::value result) {
  if (Entry* entry = running_entry(id, worker_id)) {
    entry->job.result = std::move(result);
    finish(entry->job, JobStatus::completed);
  }
  co_return;
}

awaitable<FailOutcome> MemoryBroker::fail(std::string id, std::string worker_id,
                                          std::string error) {
  Entry* entry = running_entry(id, worker_id);
  if (entry == nullptr) co_return FailOutcome::ignored;
  Job& job = entry->job;
  job.error = std::move(error);
  if (job.cancel_requested) {  // asked to stop: never retried
    finish(job, JobStatus::cancelled);
    co_return FailOutcome::failed;
  }
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (auto delay = retry_delay(settings_.retry, job.attempts, job.max_attempts, unit(rng_))) {
    schedule(job, *delay);
    co_return FailOutcome::retry_scheduled;
  }
  finish(job, JobStatus::failed);
  co_return FailOutcome::failed;
}

awaitable<void> MemoryBroker::finish_cancelled(std::string id, std::string worker_id) {
  if (Entry* entry = running_entry(id, worker_id)) finish(entry->job, JobStatus::cancelled);
  co_return;
}

awaitable<void> MemoryBroker::hand_back(std::string id, std::string worker_id) {
  Entry* entry = running_entry(id, worker_id);
  if (entry == nullptr) co_return;
  Job& job = entry->job;
  if (job.cancel_requested) {
    finish(job, JobStatus::cancelled);
    co_return;
  }
  --job.attempts;
  job.worker.reset();
  job.started_at.reset();
  set_status(job, JobStatus::queued);
  pending_[job.queue].push_front(job.id);  // it was next once already
  wake_claimer(job.queue);
}

awaitable<void> MemoryBroker::report_progress(std::string id, std::string worker_id,
                                              boost::json::value progress) {
  if (Entry* entry = running_entry(id, worker_id)) {
    entry->job.progress = std::move(progress);
    hub_.notify_changed(entry->job.id, entry->job.queue);
  }
  co_return;
}

awaitable<void> MemoryBroker::set_paused(std::string queue, bool paused) {
  if (paused) {
    paused_.insert(queue);
    co_return;
  }
  if (paused_.erase(queue) == 0) co_return;
  // Wake as many waiting claims as there are jobs due.
  const auto q = pending_.find(queue);
  for (std::size_t i = 0; q != pending_.end() && i < q->second.size(); ++i) wake_claimer(queue);
}

void MemoryBroker::set_worker_status(std::string worker_id, boost::json::object status) {
  status["id"] = worker_id;
  worker_status_[std::move(worker_id)] = std::move(status);
}

awaitable<std::vector<boost::json::object>> MemoryBroker::workers() {
  std::vector<boost::json::object> out;
  for (const auto& [id, status] : worker_status_) out.push_back(status);
  co_return out;
}

void MemoryBroker::set_cancel_listener(CancelListener listener) {
  cancel_listener_ = std::move(listener);
}

std::size_t MemoryBroker::unfinished_jobs() const {
  return unfinished_;
}

std::optional<Job> MemoryBroker::take_next(const std::vector<std::string>& queues,
                                           const std::string& worker_id) {
  for (const std::string& queue : queues) {
    if (paused_.contains(queue)) continue;
    const auto q = pending_.find(queue);
    if (q == pending_.end()) continue;
    std::deque<std::string>& ids = q->second;
    while (!ids.empty()) {
      const std::string id = std::move(ids.front());
      ids.pop_front();
      const auto it = jobs_.find(id);
      if (it == jobs_.end() || it->second.job.status != JobStatus::queued) continue;  // cancelled
      Job& job = it->second.job;
      set_status(job, JobStatus::processing);
      ++job.attempts;
      job.started_at = wall_now();
      job.worker = worker_id;
      return job;
    }
  }
  return std::nullopt;
}

MemoryBroker::Entry* MemoryBroker::running_entry(const std::string& id,
                                                 const std::string& worker_id) {
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return nullptr;
  Job& job = it->second.job;
  if (job.status != JobStatus::processing || job.worker != worker_id) return nullptr;
  return &it->second;
}

void MemoryBroker::set_status(Job& job, JobStatus status) {
  StatusCounts& counts = counts_[job.queue];
  --counts[job.status];
  ++counts[status];
  job.status = status;
  // Ends are announced by finish(), once the record is complete; observers read records later.
  if (!is_terminal(status)) hub_.notify_changed(job.id, job.queue);
}

void MemoryBroker::make_due(Job& job) {
  set_status(job, JobStatus::queued);
  job.run_at.reset();
  pending_[job.queue].push_back(job.id);
  wake_claimer(job.queue);
}

void MemoryBroker::schedule(Job& job, std::chrono::milliseconds delay) {
  set_status(job, JobStatus::scheduled);
  job.run_at = wall_now() + delay;
  scheduled_.emplace(Clock::now() + delay, job.id);
  arm_schedule_timer();
}

void MemoryBroker::finish(Job& job, JobStatus status) {
  set_status(job, status);
  job.finished_at = wall_now();
  job.run_at.reset();
  --unfinished_;
  const SteadyTime now = Clock::now();
  jobs_.at(job.id).finished = now;
  finished_.emplace_back(now, job.id);
  if (status == JobStatus::failed) dead_[job.queue].push_front(job.id);
  hub_.notify(job.id, job.queue);  // eviction waits for the next enqueue, so `job` stays valid here
}

void MemoryBroker::arm_schedule_timer() {
  if (scheduled_.empty()) return;
  const SteadyTime earliest = scheduled_.begin()->first;
  if (schedule_timer_at_ && *schedule_timer_at_ <= earliest) return;  // already due sooner
  schedule_timer_at_ = earliest;
  schedule_timer_.expires_at(earliest);  // cancels the wait for a later time, if any
  schedule_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](auto ec) {
    if (alive.expired() || ec) return;
    schedule_timer_at_.reset();
    promote_due();
    arm_schedule_timer();
  });
}

void MemoryBroker::promote_due() {
  const SteadyTime now = Clock::now();
  while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
    const std::string id = std::move(scheduled_.begin()->second);
    scheduled_.erase(scheduled_.begin());
    const auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.job.status != JobStatus::scheduled) continue;
    make_due(it->second.job);
  }
}

void MemoryBroker::wake_claimer(const std::string& queue) {
  for (auto it = claim_waiters_.begin(); it != claim_waiters_.end(); ++it) {
    ClaimWaiter* waiter = *it;
    if (std::find(waiter->queues->begin(), waiter->queues->end(), queue) == waiter->queues->end()) {
      continue;
    }
    waiter->woken = true;
    waiter->timer->cancel();
    claim_waiters_.erase(it);
    return;
  }
}

void MemoryBroker::evict_expired() {
  const SteadyTime now = Clock::now();
  while (!finished_.empty() && (finished_.size() > settings_.max_finished_jobs ||
                                finished_.front().first + settings_.result_ttl <= now)) {
    const auto [finished_at, id] = finished_.front();
    const auto it = jobs_.find(id);
    finished_.pop_front();
    // Gone already (purged), or requeued since it ended: this entry is stale.
    if (it == jobs_.end() || it->second.finished != finished_at) continue;
    if (it->second.job.status == JobStatus::failed) drop_dead_letter(it->second.job);
    forget(it);
  }
}

void MemoryBroker::forget(std::unordered_map<std::string, Entry>::iterator it) {
  const Job& job = it->second.job;
  // The count of its end status stays: those count every job that ended, not the ones kept.
  if (job.idempotency_key) {
    const auto key = idempotency_.find(idempotency_slot(job.queue, *job.idempotency_key));
    if (key != idempotency_.end() && key->second == job.id) idempotency_.erase(key);
  }
  ids_in_order_.erase(it->first);
  jobs_.erase(it);
}

void MemoryBroker::drop_dead_letter(const Job& job) {
  std::deque<std::string>& ids = dead_[job.queue];
  if (!ids.empty() && ids.back() == job.id) {  // the usual case: the oldest goes first
    ids.pop_back();
  } else {
    ids.erase(std::remove(ids.begin(), ids.end(), job.id), ids.end());
  }
}

void MemoryBroker::requeue_failed(Job& job) {
  job.attempts = 0;
  job.finished_at.reset();
  jobs_.at(job.id).finished = SteadyTime{};
  ++unfinished_;
  make_due(job);
}

awaitable<JobPage> MemoryBroker::list_jobs(JobFilter filter, std::size_t limit,
                                           std::optional<std::string> before) {
  evict_expired();
  JobPage page;
  auto it = before ? ids_in_order_.lower_bound(*before) : ids_in_order_.end();
  for (std::size_t examined = 0; it != ids_in_order_.begin();) {
    --it;
    const Job& job = jobs_.at(*it).job;
    if (filter.matches(job)) page.jobs.push_back(job);
    if (page.jobs.size() == limit || ++examined == list_examine_limit * 10) {
      if (it != ids_in_order_.begin()) page.next_cursor = *it;
      break;
    }
  }
  co_return page;
}

awaitable<DeadLetters> MemoryBroker::dead_letters(std::string queue, std::size_t offset,
                                                  std::size_t limit) {
  evict_expired();
  DeadLetters page;
  const auto q = dead_.find(queue);
  if (q == dead_.end()) co_return page;
  page.total = static_cast<std::int64_t>(q->second.size());
  for (std::size_t i = offset; i < q->second.size() && page.jobs.size() < limit; ++i) {
    page.jobs.push_back(jobs_.at(q->second[i]).job);
  }
  co_return page;
}

awaitable<RetryOutcome> MemoryBroker::retry_failed(std::string id) {
  evict_expired();
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) co_return RetryOutcome::not_found;
  Job& job = it->second.job;
  if (job.status != JobStatus::failed) co_return RetryOutcome::not_failed;
  drop_dead_letter(job);
  requeue_failed(job);
  co_return RetryOutcome::requeued;
}

awaitable<std::int64_t> MemoryBroker::requeue_dead(std::string queue) {
  evict_expired();
  std::deque<std::string> ids;
  if (const auto q = dead_.find(queue); q != dead_.end()) ids.swap(q->second);
  for (auto id = ids.rbegin(); id != ids.rend(); ++id) requeue_failed(jobs_.at(*id).job);
  co_return static_cast<std::int64_t>(ids.size());
}

awaitable<std::int64_t> MemoryBroker::purge_dead(std::string queue) {
  evict_expired();
  std::deque<std::string> ids;
  if (const auto q = dead_.find(queue); q != dead_.end()) ids.swap(q->second);
  for (const std::string& id : ids) forget(jobs_.find(id));
  co_return static_cast<std::int64_t>(ids.size());
}

}  // namespace coqueue

namespace coqueue {

// Schedules: one map; the process that holds it is the only one that fires them.

awaitable<Schedule> MemoryBroker::put_schedule(ScheduleDefinition definition) {
  const SystemTime now = wall_now();
  Schedule& s = schedules_[definition.name];
  const bool replaced = s.created_at != SystemTime{};
  if (!replaced) s.created_at = now;
  // A tick already due and not fired yet is not lost to the edit: it fires (as edited).
  const SystemTime from =
      replaced && !s.paused ? std::min(now, s.next_at - std::chrono::milliseconds(1)) : now;
  s.definition = std::move(definition);
  s.updated_at = now;
  s.next_at = next_tick(s.definition, now, from).value_or(SystemTime::max());
  co_return s;
}

awaitable<std::optional<Schedule>> MemoryBroker::get_schedule(std::string name) {
  const auto it = schedules_.find(name);
  if (it == schedules_.end()) co_return std::nullopt;
  co_return it->second;
}

awaitable<std::vector<Schedule>> MemoryBroker::schedules() {
  std::vector<Schedule> out;
  for (const auto& [name, s] : schedules_) out.push_back(s);
  co_return out;
}

awaitable<bool> MemoryBroker::delete_schedule(std::string name) {
  co_return schedules_.erase(name) > 0;
}

awaitable<std::optional<Schedule>> MemoryBroker::set_schedule_paused(std::string name,
                                                                     bool paused) {
  const auto it = schedules_.find(name);
  if (it == schedules_.end()) co_return std::nullopt;
  Schedule& s = it->second;
  if (s.paused && !paused) {
    const SystemTime now = wall_now();
    s.next_at = next_tick(s.definition, s.updated_at, now).value_or(SystemTime::max());
  }
  s.paused = paused;
  co_return s;
}

awaitable<std::vector<Schedule>> MemoryBroker::due_schedules(SystemTime now, std::size_t limit) {
  std::vector<Schedule> out;
  for (const auto& [name, s] : schedules_) {
    if (out.size() == limit) break;
    if (!s.paused && s.next_at <= now) out.push_back(s);
  }
  co_return out;
}

awaitable<bool> MemoryBroker::advance_schedule(std::string name, SystemTime expected,
                                               std::optional<SystemTime> next_at,
                                               std::optional<SystemTime> fired,
                                               std::optional<std::string> job_id) {
  const auto it = schedules_.find(name);
  if (it == schedules_.end() || it->second.paused || it->second.next_at != expected) {
    co_return false;
  }
  Schedule& s = it->second;
  s.next_at = next_at.value_or(SystemTime::max());
  if (fired) {
    s.last_fired_at = fired;
    s.last_job_id = std::move(job_id);
  }
  co_return true;
}

}  // namespace coqueue
