#include "loadtest/wait_latency.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/job/job_spec.hpp"
#include "core/queue/redis_broker.hpp"
#include "loadtest/job_client.hpp"
#include "loadtest/latency_histogram.hpp"

namespace coqueue::loadtest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* queue_name = "wait-latency";
constexpr const char* worker_id = "wait-latency-bench";

struct Waiter {
  std::string id;
  std::optional<Clock::time_point> answered;
  std::string status;
};

awaitable<void> pause(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

awaitable<void> wait_for(Target target, Waiter& waiter) {
  JobClient client(co_await asio::this_coro::executor, target, WaitMode{}, 60s);
  const std::string path = "/jobs/" + waiter.id + "?wait_ms=30000";
  const auto record = co_await client.get_json(path);
  waiter.answered = Clock::now();
  if (record && record->is_object()) {
    if (const auto* s = record->as_object().if_contains("status"); s && s->is_string()) {
      waiter.status = std::string(s->as_string());
    }
  }
}

std::uint64_t micros(Clock::duration d) {
  return static_cast<std::uint64_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
}

// One round: `clients` jobs, waited for, then completed one at a time or all at once.
awaitable<void> round(RedisBroker& broker, Target target, int clients, bool burst,
                      LatencyHistogram& into) {
  auto ex = co_await asio::this_coro::executor;
  JobSpec spec;
  spec.type = "echo";
  spec.queue = queue_name;
  spec.payload = boost::json::object{};
  std::vector<JobSpec> specs(static_cast<std::size_t>(clients), spec);
  const std::vector<EnqueueOutcome> enqueued = co_await broker.enqueue_many(std::move(specs));
  std::vector<Waiter> waiters;
  for (const EnqueueOutcome& e : enqueued) {
    if (!e) throw std::runtime_error("a job was refused: " + e.error().message());
    Waiter w;
    w.id = e.value().job.id;
    waiters.push_back(std::move(w));
  }
  for (Waiter& w : waiters) asio::co_spawn(ex, wait_for(target, w), asio::detached);
  co_await pause(300ms);  // every wait parked in the server

  std::vector<std::string> claimed;
  const std::vector<std::string> queues{queue_name};
  while (claimed.size() < waiters.size()) {
    auto job = co_await broker.claim(queues, worker_id, 1000ms);
    if (!job) throw std::runtime_error("the jobs to complete could not be claimed");
    claimed.push_back(job->id);
  }

  std::map<std::string, Clock::time_point> confirmed;
  if (burst) {
    int left = clients;
    auto done = std::make_shared<asio::steady_timer>(ex, Clock::time_point::max());
    for (const std::string& id : claimed) {
      asio::co_spawn(
          ex,
          [](RedisBroker& b, std::string job) -> awaitable<void> {
            co_await b.complete(job, worker_id, boost::json::value(nullptr));
          }(broker, id),
          [&, id, done](std::exception_ptr) {
            confirmed[id] = Clock::now();
            if (--left == 0) done->cancel();
          });
    }
    if (left > 0) co_await done->async_wait(asio::as_tuple(asio::use_awaitable));
  } else {
    for (const std::string& id : claimed) {
      co_await broker.complete(id, worker_id, boost::json::value(nullptr));
      confirmed[id] = Clock::now();
      // The next one only once this one's client has its answer: one notification at a time.
      const auto until = Clock::now() + 10s;
      for (;;) {
        const auto w = std::find_if(waiters.begin(), waiters.end(),
                                    [&](const Waiter& x) { return x.id == id; });
        if (w->answered || Clock::now() > until) break;
        co_await pause(50us);
      }
    }
  }
  const auto until = Clock::now() + 10s;
  for (;;) {
    const bool all = std::all_of(waiters.begin(), waiters.end(),
                                 [](const Waiter& w) { return w.answered.has_value(); });
    if (all || Clock::now() > until) break;
    co_await pause(1ms);
  }
  for (const Waiter& w : waiters) {
    if (!w.answered || w.status != "completed") {
      throw std::runtime_error("job " + w.id + " was not seen completed by its waiting client");
    }
    into.record_us(micros(*w.answered - confirmed.at(w.id)));
  }
}

awaitable<void> measure(RedisBroker& broker, WaitLatencyPlan plan, Target target,
                        LatencyHistogram& single, LatencyHistogram& burst) {
  co_await pause(200ms);  // the broker connected
  for (int r = 0; r < plan.rounds; ++r) {
    co_await round(broker, target, plan.clients, false, single);
    co_await round(broker, target, plan.clients, true, burst);
  }
}

}  // namespace

WaitLatencyResult measure_wait_latency(const WaitLatencyPlan& plan) {
  auto parsed = Target::parse(plan.server_url);
  if (auto* problem = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*problem);
  asio::io_context io(1);
  RedisBrokerSettings settings;
  settings.redis = plan.redis;
  settings.run_recoverer = false;
  settings.listen_for_completions = false;
  RedisBroker broker(io.get_executor(), settings);
  broker.start();
  LatencyHistogram single;
  LatencyHistogram burst;
  std::exception_ptr failure;
  asio::co_spawn(io, measure(broker, plan, std::get<Target>(parsed), single, burst),
                 [&](std::exception_ptr e) {
                   failure = e;
                   broker.close();
                 });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return {.one_at_a_time_ms = single.summary_ms(), .burst_ms = burst.summary_ms()};
}

}  // namespace coqueue::loadtest
