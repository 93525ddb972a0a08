#pragma once
// The composition root of a worker process: the Redis broker, the CPU pool and the processor
// that runs the registry's job types. Starts claiming once Redis answers; stops in the order of
// docs/architecture.md (stop claiming, let runs finish within the grace, hand back the rest,
// leave).

#include <memory>

#include <boost/asio/io_context.hpp>

#include "core/queue/redis_broker.hpp"
#include "core/schedule/scheduler.hpp"
#include "worker/cpu_pool.hpp"
#include "worker/processor.hpp"
#include "worker/registry.hpp"
#include "worker/worker_config.hpp"

namespace coqueue::worker {

class WorkerApp {
 public:
  // `cpu`: the CPU pool, shared by every thread of the process.
  WorkerApp(asio::io_context& io, WorkerConfig config, const Registry& registry, CpuPool& cpu);
  ~WorkerApp();

  // Connects; the processor starts as soon as Redis answers a PING.
  void start();
  awaitable<void> shutdown();
  std::size_t in_flight() const { return processor_.in_flight(); }

 private:
  awaitable<void> start_when_ready(std::shared_ptr<bool> alive);
  awaitable<void> advertise_types(std::shared_ptr<bool> alive);

  WorkerConfig config_;
  executor ex_;
  const Registry& registry_;
  CpuPool& cpu_;
  RedisBroker broker_;
  Processor processor_;
  Scheduler scheduler_;
  bool processing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// What a worker program's main() does: reads the options (flags and COQUEUE_* variables), runs
// until SIGTERM or SIGINT, and returns the exit code. A program with its own job types
// registers them and hands the registry over (docs/handlers.md).
int run_worker_main(int argc, char** argv, const Registry& registry);

}  // namespace coqueue::worker
