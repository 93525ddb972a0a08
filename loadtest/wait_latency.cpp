#include "loadtest/wait_latency.hpp"

#include <unistd.h>

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
#include "loadtest/pause.hpp"

namespace coqueue::loadtest {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string worker_id = "wait-latency-bench";

struct Waiter {
  std::string id;
  std::optional<Clock::time_point> answered;
  std::string status;
};
// Shared with the waiting clients, which may outlive a round that failed.
using Waiters = std::shared_ptr<std::vector<Waiter>>;

awaitable<void> wait_for(Target target, Waiters waiters, std::size_t index) {
  JobClient client(co_await asio::this_coro::executor, target, WaitMode{}, 60s);
  const std::string path = "/jobs/" + (*waiters)[index].id + "?wait_ms=30000";
  const auto record = co_await client.get_json(path);
  Waiter& waiter = (*waiters)[index];
  waiter.answered = Clock::now();
  if (record && record->is_object()) {
    if (const auto* s = record->as_object().if_contains("status"); s && s->is_string()) {
      waiter.status = std::string(s->as_string());
    }
  }
}

awaitable<void> complete_one(RedisBroker& broker, std::string id) {
  const boost::json::value no_result(nullptr);
  co_await broker.complete(id, worker_id, no_result);
}

// One round: `clients` jobs, waited for, then completed one at a time or all at once. The
// queue is this run's own, so no job of an earlier run is in the way.
awaitable<void> round(RedisBroker& broker, Target target, std::string queue, int clients,
                      bool burst, LatencyHistogram& into) {
  auto ex = co_await asio::this_coro::executor;
  JobSpec spec;
  spec.type = "echo";
  spec.queue = queue;
  spec.payload = boost::json::object{};
  std::vector<JobSpec> specs(static_cast<std::size_t>(clients), spec);
  const std::vector<EnqueueOutcome> enqueued = co_await broker.enqueue_many(std::move(specs));
  auto waiters = std::make_shared<std::vector<Waiter>>();
  for (const EnqueueOutcome& e : enqueued) {
    if (!e) throw std::runtime_error("a job was refused: " + e.error().message());
    Waiter w;
    w.id = e.value().job.id;
    waiters->push_back(std::move(w));
  }
  for (std::size_t i = 0; i < waiters->size(); ++i) {
    asio::co_spawn(ex, wait_for(target, waiters, i), asio::detached);
  }
  co_await pause(300ms);  // every wait parked in the server

  std::vector<std::string> claimed;
  const std::vector<std::string> queues{queue};
  while (claimed.size() < waiters->size()) {
    auto job = co_await broker.claim(queues, worker_id, 1000ms);
    if (!job) throw std::runtime_error("the jobs to complete could not be claimed");
    claimed.push_back(job->id);
  }

  std::map<std::string, Clock::time_point> confirmed;
  if (burst) {
    int left = clients;
    auto done = std::make_shared<asio::steady_timer>(ex, Clock::time_point::max());
    for (const std::string& id : claimed) {
      asio::co_spawn(ex, complete_one(broker, id), [&, id, done](std::exception_ptr) {
        confirmed[id] = Clock::now();
        if (--left == 0) done->cancel();
      });
    }
    if (left > 0) co_await done->async_wait(asio::as_tuple(asio::use_awaitable));
  } else {
    for (const std::string& id : claimed) {
      co_await complete_one(broker, id);
      confirmed[id] = Clock::now();
      // The next one only once this one's client has its answer: one notification at a time.
      const auto until = Clock::now() + 10s;
      for (;;) {
        const auto w = std::find_if(waiters->begin(), waiters->end(),
                                    [&](const Waiter& x) { return x.id == id; });
        if (w->answered || Clock::now() > until) break;
        co_await pause(50us);
      }
    }
  }
  const auto until = Clock::now() + 10s;
  for (;;) {
    const bool all = std::all_of(waiters->begin(), waiters->end(),
                                 [](const Waiter& w) { return w.answered.has_value(); });
    if (all || Clock::now() > until) break;
    co_await pause(1ms);
  }
  for (const Waiter& w : *waiters) {
    const auto at = confirmed.find(w.id);
    if (!w.answered || w.status != "completed" || at == confirmed.end()) {
      throw std::runtime_error("job " + w.id + " was not seen completed by its waiting client");
    }
    into.record(*w.answered - at->second);
  }
}

awaitable<void> measure(RedisBroker& broker, WaitLatencyPlan plan, Target target,
                        LatencyHistogram& single, LatencyHistogram& burst) {
  co_await pause(200ms);  // the broker connected
  const std::string queue = "wait-latency-" + std::to_string(::getpid());
  for (int r = 0; r < plan.rounds; ++r) {
    co_await round(broker, target, queue, plan.clients, false, single);
    co_await round(broker, target, queue, plan.clients, true, burst);
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
