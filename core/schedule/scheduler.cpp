#include "core/schedule/scheduler.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/support/log.hpp"

namespace coqueue {

Scheduler::Scheduler(Broker& broker, std::chrono::milliseconds poll)
    : broker_(broker), poll_(poll) {}

void Scheduler::stop() {
  stopped_ = true;
  if (stop_) stop_();
}

awaitable<void> Scheduler::run() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  stop_ = [&timer] { timer.cancel(); };
  while (!stopped_) {
    try {
      co_await fire_due();
    } catch (const std::exception& e) {
      // The backend is away: the ticks stay due, and fire when it is back (within the grace,
      // or as the schedule's catch_up says).
      log::debug("schedule.poll_failed", {{"error", e.what()}});
    }
    timer.expires_after(poll_);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  stop_ = nullptr;
}

awaitable<int> Scheduler::fire_due() {
  const SystemTime now = std::chrono::system_clock::now();
  int claimed = 0;
  // Named, not a temporary inside the co_await expression: GCC 12 mishandles those.
  const std::vector<Schedule> due = co_await broker_.due_schedules(now, 100);
  for (const Schedule& s : due) {
    if (stopped_) break;
    const bool mine = co_await fire(s, now);
    if (mine) ++claimed;
  }
  co_return claimed;
}

awaitable<bool> Scheduler::fire(const Schedule& s, SystemTime now) {
  const TickDecision decision = decide_tick(s, now);
  const std::string& name = s.definition.name;
  std::optional<std::string> job_id;
  if (decision.fire) {
    JobSpecResult parsed = parse_job_spec(s.definition.job);
    if (auto* error = std::get_if<JobSpecError>(&parsed)) {
      log::warn("schedule.bad_job", {{"schedule", name}, {"error", error->message}});
    } else {
      JobSpec spec = std::get<JobSpec>(std::move(parsed));
      spec.idempotency_key = tick_idempotency_key(name, *decision.fire);
      const EnqueueOutcome outcome = co_await broker_.enqueue(std::move(spec));
      if (outcome) {
        job_id = outcome->job.id;
      } else {
        // Refused (the queue is full): this tick is skipped, and said so.
        log::warn("schedule.job_refused",
                  {{"schedule", name}, {"error", outcome.error().message()}});
      }
    }
  }
  const bool claimed =
      co_await broker_.advance_schedule(name, s.next_at, decision.next_at, decision.fire, job_id);
  if (claimed && decision.fire) {
    log::info("schedule.fired", {{"schedule", name},
                                 {"tick", format_rfc3339(*decision.fire)},
                                 {"job_id", job_id.value_or("")}});
  } else if (claimed) {
    log::info("schedule.missed", {{"schedule", name}, {"due", format_rfc3339(s.next_at)}});
  }
  co_return claimed;
}

}  // namespace coqueue
