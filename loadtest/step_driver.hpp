#pragma once
// One step of a load test: drives a deployment for a warm-up and a measuring window, closed loop
// (K clients, each submit, wait, again) or open loop (submissions at a fixed rate, latency
// counted from when each job was due, so a slow system cannot hide its queueing), while sampling
// the CPU and memory of every process and the queue depth. Runs its own event loop.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "loadtest/job_client.hpp"
#include "loadtest/job_mix.hpp"
#include "loadtest/report_model.hpp"
#include "loadtest/resource_sampler.hpp"

namespace coqueue::loadtest {

struct StepPlan {
  bool open_loop = false;
  int clients = 10;  // closed loop: the clients; open loop: the connections
  double rate = 0;   // open loop: jobs per second
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds duration{5000};
  // After the window, jobs in flight may finish for this long (not counted), so the next step
  // starts on an empty queue; then the connections are closed.
  std::chrono::milliseconds drain_limit{30000};
  std::chrono::milliseconds job_timeout{60000};
  std::vector<Target> servers;  // clients spread over them in turn
  JobMix mix;
  WaitMode wait;
  std::vector<ProcessRef> processes;        // sampled over the window (the load generator is added)
  std::function<void(double)> on_progress;  // fraction of the step done, a few times a second
};

// Fills what a step measures: mode, clients, target_rate, seconds, submitted, completed,
// jobs_per_s, submitted_per_s, latency_ms, submit_latency_ms, errors, processes, queue_depth,
// machine_cpu_percent, completed_total and server_completed. Not workers, servers or roles.
StepResult run_step(const StepPlan& plan);

}  // namespace coqueue::loadtest
