#include "loadtest/step_driver.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "loadtest/interruption.hpp"
#include "loadtest/latency_histogram.hpp"
#include "loadtest/pause.hpp"

namespace coqueue::loadtest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto sample_interval = 250ms;
constexpr auto pause_after_error = 20ms;  // so a refused connection is not retried in a spin

struct StepState {
  Clock::time_point started;
  Clock::time_point window_start;
  Clock::time_point window_end;
  Clock::time_point hard_stop;
  LatencyHistogram latency;
  LatencyHistogram submit_latency;
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  std::uint64_t completed_total = 0;
  std::uint64_t in_flight = 0;
  std::map<std::string, std::uint64_t> errors;
  std::vector<std::unique_ptr<JobClient>> clients;
  std::size_t live_clients = 0;
  std::size_t next_job = 0;
  std::size_t next_slot = 0;
  bool stopping = false;
  bool open_loop = false;

  bool in_window(Clock::time_point t) const { return t >= window_start && t < window_end; }
};

// Counts one job that was due at `due` (when its client set out, or its open-loop slot).
void record(StepState& s, const JobOutcome& o, Clock::time_point due) {
  if (o.was_submitted && s.in_window(o.submitted)) {
    ++s.submitted;
    s.submit_latency.record(o.submitted - due);
  }
  if (!o.error.empty()) {
    if (!s.stopping) ++s.errors[o.error];  // not the connections the drain limit closed
    return;
  }
  ++s.completed_total;
  if (s.in_window(o.finished)) ++s.completed;
  // Closed loop: the jobs that ended in the window. Open loop: the jobs due in the window,
  // however late they end, or an overloaded step would leave its slowest jobs out.
  if (s.open_loop ? s.in_window(due) : s.in_window(o.finished)) {
    s.latency.record(o.finished - due);
  }
}

awaitable<void> closed_loop_client(StepState& s, const StepPlan& plan, JobClient& client) {
  while (!s.stopping && Clock::now() < s.window_end) {
    const std::string& body = plan.mix.body(s.next_job++);
    const auto due = Clock::now();
    ++s.in_flight;
    const JobOutcome outcome = co_await client.run(body);
    --s.in_flight;
    record(s, outcome, due);
    if (!outcome.error.empty() && !s.stopping) co_await pause(pause_after_error);
  }
}

awaitable<void> open_loop_connection(StepState& s, const StepPlan& plan, JobClient& client) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const double interval_ns = 1e9 / plan.rate;
  while (!s.stopping) {
    const std::size_t slot = s.next_slot++;
    const auto due = s.started + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                     static_cast<double>(slot) * interval_ns));
    if (due >= s.window_end) break;
    if (due > Clock::now()) {
      timer.expires_at(due);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    const std::string& body = plan.mix.body(slot);
    ++s.in_flight;
    const JobOutcome outcome = co_await client.run(body);
    --s.in_flight;
    record(s, outcome, due);
  }
}

std::int64_t completed_count(const std::optional<boost::json::value>& queues) {
  if (!queues || !queues->is_object()) return -1;
  const auto* totals = queues->as_object().if_contains("totals");
  const auto* completed =
      totals && totals->is_object() ? totals->as_object().if_contains("completed") : nullptr;
  return completed && completed->is_int64() ? completed->as_int64() : -1;
}

std::optional<DepthSample> depth_of(const std::optional<boost::json::value>& queues, double at_s) {
  if (!queues || !queues->is_object()) return std::nullopt;
  const auto* totals = queues->as_object().if_contains("totals");
  if (totals == nullptr || !totals->is_object()) return std::nullopt;
  const auto count = [&](const char* key) -> std::int64_t {
    const auto* v = totals->as_object().if_contains(key);
    return v && v->is_int64() ? v->as_int64() : 0;
  };
  return DepthSample{.at_s = at_s,
                     .pending = count("queued") + count("scheduled"),
                     .processing = count("processing")};
}

// Starts the clients, opens and closes the measuring window, samples, and enforces the drain
// limit; returns when every client has stopped.
awaitable<void> drive(StepState& s, const StepPlan& plan, ResourceSampler& sampler,
                      StepResult& result) {
  auto ex = co_await asio::this_coro::executor;
  JobClient monitor(ex, plan.servers.front(), WaitMode{}, 5s);
  const std::string queues_path = "/queues";
  const auto before = co_await monitor.get_json(queues_path);

  s.started = Clock::now();
  s.window_start = s.started + plan.warmup;
  s.window_end = s.window_start + plan.duration;
  s.hard_stop = s.window_end + plan.drain_limit;
  for (int i = 0; i < plan.clients; ++i) {
    const Target& target = plan.servers[static_cast<std::size_t>(i) % plan.servers.size()];
    s.clients.push_back(std::make_unique<JobClient>(ex, target, plan.wait, plan.job_timeout));
    JobClient& client = *s.clients.back();
    ++s.live_clients;
    auto body = plan.open_loop ? open_loop_connection(s, plan, client)
                               : closed_loop_client(s, plan, client);
    asio::co_spawn(ex, std::move(body), [&s](std::exception_ptr e) {
      --s.live_clients;
      if (e) ++s.errors["client_failure"];
    });
  }

  asio::steady_timer timer(ex);
  bool began = false;
  bool ended = false;
  const double step_seconds = std::chrono::duration<double>(plan.warmup + plan.duration).count();
  while (s.live_clients > 0) {
    auto wake = Clock::now() + sample_interval;
    if (!began) wake = std::min(wake, s.window_start);
    if (!ended) wake = std::min(wake, s.window_end);
    timer.expires_at(wake);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    const auto now = Clock::now();
    if (!began && now >= s.window_start) {
      sampler.begin();
      began = true;
    }
    if (began && !ended) {
      if (now >= s.window_end) {
        sampler.end();
        ended = true;
      } else {
        sampler.sample();
        const auto queues = co_await monitor.get_json(queues_path);
        const double at = std::chrono::duration<double>(Clock::now() - s.window_start).count();
        if (auto d = depth_of(queues, at)) result.queue_depth.push_back(*d);
      }
    }
    if ((now >= s.hard_stop || interrupted()) && !s.stopping) {
      s.stopping = true;
      s.window_end = std::min(s.window_end, now);  // an interrupted window ends here
      result.unfinished = s.in_flight;
      for (auto& c : s.clients) c->close();
    }
    if (plan.on_progress) {
      plan.on_progress(
          std::min(1.0, std::chrono::duration<double>(now - s.started).count() / step_seconds));
    }
  }
  if (!began) sampler.begin();
  if (!ended) sampler.end();
  const auto after = co_await monitor.get_json(queues_path);
  const auto b = completed_count(before);
  const auto a = completed_count(after);
  if (a >= 0 && b >= 0) result.server_completed = a - b;
}

}  // namespace

StepResult run_step(const StepPlan& plan) {
  StepResult result;
  result.mode = plan.open_loop ? "open" : "closed";
  result.clients = plan.clients;
  result.target_rate = plan.open_loop ? plan.rate : 0;

  // The event loop first: the clients' sockets in `state` must go before it does.
  asio::io_context io(1);
  std::vector<ProcessRef> processes = plan.processes;
  processes.push_back({.role = "loadgen", .name = "loadgen", .pid = ::getpid()});
  ResourceSampler sampler(std::move(processes));
  StepState state;
  state.open_loop = plan.open_loop;
  std::exception_ptr failure;
  asio::co_spawn(io, drive(state, plan, sampler, result),
                 [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);

  // Jobs are counted by their timestamps within the window; CPU over the sampler's own time.
  result.seconds =
      std::max(1e-3, std::chrono::duration<double>(state.window_end - state.window_start).count());
  result.submitted = state.submitted;
  result.completed = state.completed;
  result.completed_total = state.completed_total;
  result.jobs_per_s = static_cast<double>(state.completed) / result.seconds;
  result.submitted_per_s = static_cast<double>(state.submitted) / result.seconds;
  result.latency_ms = state.latency.summary_ms();
  result.submit_latency_ms = state.submit_latency.summary_ms();
  result.errors = std::move(state.errors);
  result.processes = sampler.usage();
  result.machine_cpu_percent = sampler.machine_cpu_percent();
  return result;
}

}  // namespace coqueue::loadtest
