#pragma once
// Everything coqueue-worker is told at start, from flags or COQUEUE_* environment variables.

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "core/queue/redis_broker.hpp"
#include "core/support/command_line.hpp"
#include "core/support/log.hpp"

namespace coqueue::worker {

struct WorkerConfig {
  std::string id;  // stable across restarts when given; default host:pid
  std::vector<std::string> queues{"default"};
  std::vector<std::uint32_t> weights;  // empty: strict priority in the order of `queues`
  std::size_t concurrency = 16;
  std::size_t cpu_threads = 0;  // 0: one per core
  // Threads claiming and running jobs, each a worker of its own (id "<id>-t<k>", its share of
  // the concurrency, its own Redis connections); the CPU pool is shared.
  std::size_t threads = 1;
  std::chrono::milliseconds grace{30'000};
  bool fire_schedules = true;  // this process fires due schedules too (--no-schedules: not)
  std::string redis_url;
  RedisBrokerSettings broker;
  log::Settings log;
};

void declare_worker_options(CommandLine& cli);
// Reads them back; an error message names the bad option.
std::variant<WorkerConfig, std::string> read_worker_config(const CommandLine& cli);

// `host:pid`: unique among live processes, new for each start.
std::string default_worker_id();

}  // namespace coqueue::worker
