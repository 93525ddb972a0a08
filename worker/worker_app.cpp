#include "worker/worker_app.hpp"

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/support/log.hpp"
#include "core/support/run_threads_until_stopped.hpp"

namespace coqueue::worker {
namespace {

ProcessorSettings processor_settings(const WorkerConfig& config) {
  ProcessorSettings s;
  s.worker_id = config.id;
  s.queues = config.queues;
  s.weights = config.weights;
  s.concurrency = config.concurrency;
  s.heartbeat_interval = config.broker.lease / 3;  // two beats may be lost before the lease is
  s.outcome_retry_for = config.broker.lease;
  return s;
}

}  // namespace

WorkerApp::WorkerApp(asio::io_context& io, WorkerConfig config, const Registry& registry,
                     CpuPool& cpu)
    : config_(std::move(config)),
      ex_(io.get_executor()),
      registry_(registry),
      cpu_(cpu),
      broker_(ex_, config_.broker),
      processor_(ex_, broker_, registry_, cpu_, processor_settings(config_)),
      scheduler_(broker_) {}

WorkerApp::~WorkerApp() {
  *alive_ = false;
  broker_.close();
}

void WorkerApp::start() {
  broker_.start();
  asio::co_spawn(ex_, start_when_ready(alive_), [](std::exception_ptr error) {
    if (error) log::error("worker.start_failed");
  });
}

awaitable<void> WorkerApp::start_when_ready(std::shared_ptr<bool> alive) {
  asio::steady_timer pause(ex_);
  bool said = false;
  for (;;) {
    const bool ready = co_await broker_.ready();
    if (!*alive) co_return;
    if (ready) break;
    if (!said) {
      log::warn("worker.waiting_for_redis", {{"redis", config_.redis_url}});
      said = true;
    }
    pause.expires_after(std::chrono::milliseconds(200));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!*alive) co_return;
  }
  processing_ = true;
  processor_.start();
  asio::co_spawn(ex_, advertise_types(alive_), [](std::exception_ptr) {});
  if (config_.fire_schedules) {
    asio::co_spawn(ex_, scheduler_.run(), [](std::exception_ptr error) {
      if (error) log::error("worker.scheduler_failed");
    });
  }
  std::string queues;
  for (const std::string& q : config_.queues) queues += (queues.empty() ? "" : ",") + q;
  log::info("worker.started", {{"id", config_.id},
                               {"queues", queues},
                               {"concurrency", config_.concurrency},
                               {"lease_ms", config_.broker.lease.count()}});
}

// Servers accept jobs of the types a worker advertises; the advertisement is renewed so that
// a type stays known while some worker can run it (and for a while after).
awaitable<void> WorkerApp::advertise_types(std::shared_ptr<bool> alive) {
  asio::steady_timer pause(ex_);
  while (*alive) {
    try {
      co_await broker_.advertise_types(registry_.names());
    } catch (const std::exception& e) {
      log::warn("worker.advertise_failed", {{"error", e.what()}});
    }
    pause.expires_after(std::chrono::seconds(60));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

awaitable<void> WorkerApp::shutdown() {
  *alive_ = false;
  scheduler_.stop();
  const SteadyTime deadline = std::chrono::steady_clock::now() + config_.grace;
  log::info("worker.stopping",
            {{"jobs_in_flight", processor_.in_flight()}, {"grace_ms", config_.grace.count()}});
  if (processing_) co_await processor_.shutdown(deadline, /*finish_queued=*/false);
  broker_.close();
  log::info("worker.stopped", {{"id", config_.id}});
}

int run_worker_main(int argc, char** argv, const Registry& registry) {
  CommandLine cli("coqueue-worker",
                  "Runs jobs from queues in Redis, many at once. Any number of worker processes,\n"
                  "on any number of machines, may share one Redis with any number of servers.");
  declare_worker_options(cli);
  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;
  if (cli.get("list-types") == "true") {
    for (const std::string& name : registry.names()) {
      std::cout << name << "\t" << registry.find(name)->summary << "\n";
    }
    return 0;
  }
  auto read = read_worker_config(cli);
  if (auto* error = std::get_if<std::string>(&read)) {
    std::fprintf(stderr, "coqueue-worker: %s\n", error->c_str());
    return 2;
  }
  WorkerConfig config = std::move(std::get<WorkerConfig>(read));
  log::configure(config.log);

  // With --threads T: T workers in one process, each on a thread and io_context of its own,
  // sharing nothing but the CPU pool and the registry (which handlers only read).
  CpuPool cpu(config.cpu_threads);
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<WorkerApp>> apps;
  for (std::size_t k = 0; k < config.threads; ++k) {
    WorkerConfig own = config;
    if (config.threads > 1) {
      own.id = config.id + "-t" + std::to_string(k + 1);
      // The concurrency shared out; the first threads take what does not divide evenly.
      own.concurrency =
          config.concurrency / config.threads + (k < config.concurrency % config.threads ? 1 : 0);
      own.fire_schedules = config.fire_schedules && k == 0;
    }
    contexts.push_back(std::make_unique<asio::io_context>(1));
    apps.push_back(std::make_unique<WorkerApp>(*contexts.back(), own, registry, cpu));
    apps.back()->start();
  }

  // A second signal stops at once; the recoverer gives back what this worker held.
  const int exit_code = run_threads_until_stopped(
      contexts, "worker", [&](std::size_t k) { return apps[k]->shutdown(); },
      [&] {
        std::size_t in_flight = 0;  // a rough figure: the other threads may be mid-change
        for (auto& app : apps) in_flight += app->in_flight();
        log::warn("worker.forced_stop", {{"jobs_in_flight", in_flight}});
      });
  apps.clear();
  return exit_code;
}

}  // namespace coqueue::worker
