#include "worker/processor.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/support/log.hpp"
#include "core/support/time.hpp"

namespace coqueue::worker {
namespace {

using Clock = std::chrono::steady_clock;

awaitable<boost::json::value> invoke(Handler handler, JobContext& ctx) {
  co_return co_await handler(ctx);
}

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

Processor::Processor(executor ex, Broker& broker, const Registry& registry, CpuPool& cpu,
                     ProcessorSettings settings)
    : ex_(ex),
      broker_(broker),
      registry_(registry),
      cpu_(cpu),
      settings_(std::move(settings)),
      order_{settings_.queues,
             settings_.weights.empty() ? std::vector<std::uint32_t>(settings_.queues.size(), 1)
                                       : settings_.weights,
             settings_.weights.empty()},
      loops_done_(ex, SteadyTime::max()),
      heartbeat_timer_(ex) {
  broker_.set_cancel_listener([this](std::string_view job_id) {
    if (const auto it = running_.find(std::string(job_id)); it != running_.end()) {
      stop_run(*it->second, StopReason::cancelled);
    }
  });
}

Processor::~Processor() {
  broker_.set_cancel_listener({});
}

void Processor::start() {
  asio::co_spawn(ex_, heartbeat_loop(), [](std::exception_ptr error) {
    if (error) log::error("worker.heartbeat_failed", {{"error", describe(error)}});
  });
  for (std::size_t i = 0; i < settings_.concurrency; ++i) {
    ++loops_;
    asio::co_spawn(ex_, claim_loop(), [](std::exception_ptr error) {
      if (error) log::error("worker.loop_failed", {{"error", describe(error)}});
    });
  }
}

awaitable<void> Processor::claim_loop() {
  auto pause = std::chrono::milliseconds(100);
  for (;;) {
    if (stopping_ && !finish_queued_) break;
    const auto wait = stopping_ ? std::chrono::milliseconds(0) : settings_.claim_wait;
    std::optional<Job> job;
    bool failed = false;
    try {
      std::vector<std::string> queues = claim_order(order_, rng_);
      job = co_await broker_.claim(std::move(queues), settings_.worker_id, wait);
      pause = std::chrono::milliseconds(100);
    } catch (const std::exception& e) {
      // The backend is unreachable: claim nothing until it is back, and say so once a pause.
      log::warn("worker.claim_failed", {{"error", e.what()}, {"retry_in_ms", pause.count()}});
      failed = true;
    }
    if (failed) {
      if (stopping_) break;
      co_await sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(2000));
      continue;
    }
    if (job) {
      co_await run(std::move(*job));
    } else if (stopping_) {
      break;
    }
  }
  if (--loops_ == 0) loops_done_.cancel();
}

awaitable<void> Processor::heartbeat_loop() {
  while (!heartbeats_stopped_) {
    try {
      broker_.set_worker_status(settings_.worker_id, status());
      co_await broker_.heartbeat(settings_.worker_id);
      co_await flush_metrics();
    } catch (const std::exception& e) {
      // Redis unreachable: the runs go on; the broker refuses their outcomes if their leases
      // lapse meanwhile.
      log::warn("worker.heartbeat_missed", {{"error", e.what()}});
    }
    heartbeat_timer_.expires_after(settings_.heartbeat_interval);
    co_await heartbeat_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

awaitable<void> Processor::flush_metrics() {
  if (unsent_metrics_.empty()) co_return;
  JobMetrics delta = std::exchange(unsent_metrics_, JobMetrics{});
  bool sent = false;
  try {
    co_await broker_.add_job_metrics(delta);
    sent = true;
  } catch (const std::exception& e) {
    // Kept for the next heartbeat. A link lost after sending may have counted some of it
    // already: metrics may then count a little twice, the queue itself is not affected.
    log::warn("worker.metrics_deferred", {{"error", e.what()}});
  }
  if (!sent) unsent_metrics_.add(delta);
}

boost::json::object Processor::status() const {
  static const std::string host = [] {
    char name[256] = {};
    return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
  }();
  boost::json::array queues;
  for (std::size_t i = 0; i < order_.names.size(); ++i) {
    boost::json::object q{{"name", order_.names[i]}};
    if (!order_.strict) q["weight"] = order_.weights[i];
    queues.push_back(std::move(q));
  }
  return {{"host", host},
          {"pid", static_cast<std::int64_t>(getpid())},
          {"queues", std::move(queues)},
          {"concurrency", settings_.concurrency},
          {"in_flight", running_.size()},
          {"jobs_done", jobs_done_},
          {"started_at", format_rfc3339(started_at_)},
          {"last_heartbeat", format_rfc3339(std::chrono::system_clock::now())}};
}

awaitable<void> Processor::run(Job job) {
  const auto started = Clock::now();
  log::debug("job.start", {{"job_id", job.id},
                           {"type", job.type},
                           {"queue", job.queue},
                           {"attempt", job.attempts},
                           {"worker", settings_.worker_id}});
  if (job.lost_at && job.started_at) {
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(*job.started_at - *job.lost_at);
    recovery_seconds_.observe(static_cast<double>(waited.count()) / 1000.0);
    unsent_metrics_.add_recovery(job.queue, static_cast<double>(waited.count()) / 1000.0);
    log::info("job.recovered", {{"job_id", job.id},
                                {"queue", job.queue},
                                {"attempt", job.attempts},
                                {"recovery_ms", waited.count()}});
  }

  std::string outcome;
  std::string error;
  const JobType* type = registry_.find(job.type);
  if (type == nullptr) {
    error = "no handler for job type '" + job.type + "' in this worker";
    boost::json::value no_result;
    outcome = co_await settle(job.id, Ending::fail, std::move(no_result), error);
  } else {
    auto run = std::make_shared<Run>();
    running_.emplace(job.id, run);
    asio::steady_timer deadline(ex_);
    if (job.timeout_ms) {
      deadline.expires_after(std::chrono::milliseconds(*job.timeout_ms));
      deadline.async_wait([this, run](boost::system::error_code ec) {
        if (!ec) stop_run(*run, StopReason::timeout);
      });
    }

    JobContext::ProgressReporter reporter = [this, id = job.id](boost::json::value progress) {
      return report_progress(id, std::move(progress));  // not a coroutine itself: no captures held
    };
    JobContext ctx(job, ex_, cpu_, run->stop.get_token(), std::move(reporter));
    auto [failure, result] = co_await asio::co_spawn(
        ex_, invoke(type->run, ctx),
        asio::bind_cancellation_slot(run->signal.slot(), asio::as_tuple(asio::use_awaitable)));
    run->done = true;
    deadline.cancel();
    running_.erase(job.id);

    // Arguments built as named values first: no temporaries inside co_await (GCC 12).
    Ending ending = Ending::complete;
    if (failure && run->reason == StopReason::cancelled) {
      ending = Ending::cancelled;
    } else if (failure && run->reason == StopReason::shutdown) {
      ending = Ending::hand_back;
    } else if (failure) {
      ending = Ending::fail;
      error = run->reason == StopReason::timeout ? "timeout" : describe(failure);
    }
    outcome = co_await settle(job.id, ending, std::move(result), error);
  }

  ++jobs_done_;
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
  if (outcome != "unreported") {
    unsent_metrics_.add_run({job.queue, job.type, outcome},
                            static_cast<double>(took.count()) / 1e6);
  }
  if (outcome == "completed") {
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now() - job.created_at);
    unsent_metrics_.add_latency(job.queue, std::max<double>(0, latency.count() / 1e6));
  }
  log::debug("job.finish", {{"job_id", job.id},
                            {"type", job.type},
                            {"attempt", job.attempts},
                            {"worker", settings_.worker_id},
                            {"outcome", outcome},
                            {"error", error},
                            {"duration_ms", static_cast<double>(took.count()) / 1000.0}});
}

awaitable<void> Processor::report_progress(std::string job_id, boost::json::value progress) {
  try {
    co_await broker_.report_progress(job_id, settings_.worker_id, std::move(progress));
  } catch (const std::exception& e) {
    log::warn("job.progress_dropped", {{"job_id", job_id}, {"error", e.what()}});
  }
}

awaitable<std::string> Processor::settle(std::string job_id, Ending ending,
                                         boost::json::value result, std::string error) {
  // The outcome is owed to the broker: retry while it is unreachable. That is safe, because the
  // broker refuses an outcome by itself once the run's lease is gone (fencing), and so the
  // retries stop at the latest when the lease would have run out.
  const auto give_up = Clock::now() + settings_.outcome_retry_for;
  auto pause = std::chrono::milliseconds(50);
  for (;;) {
    std::string outcome;
    try {
      switch (ending) {
        case Ending::complete:
          co_await broker_.complete(job_id, settings_.worker_id, result);
          outcome = "completed";
          break;
        case Ending::cancelled:
          co_await broker_.finish_cancelled(job_id, settings_.worker_id);
          outcome = "cancelled";
          break;
        case Ending::hand_back:
          co_await broker_.hand_back(job_id, settings_.worker_id);
          outcome = "handed_back";
          break;
        case Ending::fail: {
          const FailOutcome failed = co_await broker_.fail(job_id, settings_.worker_id, error);
          outcome = failed == FailOutcome::retry_scheduled ? "retry"
                    : failed == FailOutcome::ignored       ? "refused"  // fenced off
                                                           : "failed";
          break;
        }
      }
    } catch (const std::exception& e) {
      if (Clock::now() >= give_up) {
        log::error("job.outcome_lost", {{"job_id", job_id}, {"error", e.what()}});
        co_return "unreported";
      }
      log::warn("job.outcome_retry", {{"job_id", job_id}, {"error", e.what()}});
    }
    if (!outcome.empty()) co_return outcome;
    co_await sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

awaitable<void> Processor::sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(ex_, duration);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void Processor::stop_run(Run& run, StopReason reason) {
  if (run.done || run.reason != StopReason::none) return;
  run.reason = reason;
  run.stop.request_stop();
  run.signal.emit(asio::cancellation_type::terminal);
}

awaitable<void> Processor::shutdown(SteadyTime deadline, bool finish_queued) {
  stopping_ = true;
  finish_queued_ = finish_queued;
  broker_.interrupt_claims(settings_.worker_id);
  if (loops_ > 0) {
    loops_done_.expires_at(deadline);
    co_await loops_done_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (loops_ == 0) {
    co_await leave();
    co_return;
  }

  log::warn("worker.grace_expired", {{"in_flight", running_.size()}});
  finish_queued_ = false;
  for (auto& [id, run] : running_) stop_run(*run, StopReason::shutdown);
  // Stopped runs end at their next await; wait for the loops to report back.
  loops_done_.expires_at(SteadyTime::max());
  while (loops_ > 0) co_await loops_done_.async_wait(asio::as_tuple(asio::use_awaitable));
  co_await leave();
}

awaitable<void> Processor::leave() {
  stop_heartbeats();
  co_await flush_metrics();
  try {
    co_await broker_.leave(settings_.worker_id);
  } catch (const std::exception& e) {
    // The backend is unreachable: the worker's heartbeat runs out instead.
    log::warn("worker.leave_failed", {{"error", e.what()}});
  }
}

void Processor::stop_heartbeats() {
  heartbeats_stopped_ = true;  // after the last run: leases must last while runs finish
  heartbeat_timer_.cancel();
}

}  // namespace coqueue::worker
