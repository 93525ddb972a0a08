#include "loadtest/fill.hpp"

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "core/job/job_spec.hpp"
#include "core/queue/redis_broker.hpp"

namespace coqueue::loadtest {
namespace {

using Clock = std::chrono::steady_clock;

awaitable<void> fill_some(RedisBroker& broker, JobSpec spec, std::int64_t batch, std::int64_t& left,
                          std::int64_t& enqueued) {
  while (left > 0) {
    const std::int64_t n = std::min(left, batch);
    left -= n;
    std::vector<JobSpec> specs(static_cast<std::size_t>(n), spec);
    const std::vector<EnqueueOutcome> out = co_await broker.enqueue_many(std::move(specs));
    for (const EnqueueOutcome& r : out) {
      if (!r) throw std::runtime_error("a job was refused: " + r.error().message());
    }
    enqueued += n;
  }
}

}  // namespace

FillResult fill_queue(const FillPlan& plan) {
  auto parsed = parse_job_spec(boost::json::parse(plan.body), {});
  if (const auto* bad = std::get_if<JobSpecError>(&parsed)) {
    throw std::invalid_argument("bad job body: " + bad->message);
  }
  JobSpec spec = std::move(std::get<JobSpec>(parsed));
  spec.queue = plan.queue;

  asio::io_context io(1);
  RedisBrokerSettings settings;
  settings.redis = plan.redis;
  settings.run_recoverer = false;
  RedisBroker broker(io.get_executor(), settings);
  broker.start();
  std::int64_t left = plan.jobs;
  FillResult result;
  std::int64_t running = plan.in_flight;
  std::exception_ptr failure;
  const auto started = Clock::now();
  for (std::int64_t i = 0; i < plan.in_flight; ++i) {
    asio::co_spawn(io, fill_some(broker, spec, plan.batch, left, result.enqueued),
                   [&](std::exception_ptr e) {
                     if (e && !failure) failure = e;
                     if (--running > 0) return;
                     result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
                     broker.close();  // its background loops then end, within a second
                   });
  }
  io.run();
  if (failure) std::rethrow_exception(failure);
  return result;
}

}  // namespace coqueue::loadtest
