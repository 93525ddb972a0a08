#pragma once
// The capacity run: sweeps client counts (and, when it starts the deployment itself, worker
// counts), measures every step, fits the capacity model, re-runs one recommendation to check the
// model, and writes report.json, report.md and report.html under <out>/<timestamp>/.

#include <chrono>
#include <string>
#include <vector>

#include "loadtest/capacity_model.hpp"
#include "loadtest/job_client.hpp"
#include "loadtest/job_mix.hpp"
#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

struct CapacityPlan {
  bool spawn = true;
  std::string target_url;  // when not spawning: the deployment to drive
  std::string redis_url;   // when spawning: use this Redis instead of starting one
  std::string server_bin;
  std::string worker_bin;
  int servers = 1;
  std::vector<int> workers{1, 2};
  std::vector<int> clients{10, 50, 100, 200};
  int worker_concurrency = 16;
  std::vector<std::string> worker_args;  // extra arguments for every worker
  std::chrono::milliseconds duration{10000};
  std::chrono::milliseconds warmup{2000};
  std::chrono::milliseconds max_total{std::chrono::minutes(30)};  // steps past it are skipped
  JobMix mix;
  WaitMode wait;
  double rate = 0;  // > 0: also an open-loop step at this rate for each worker count
  int open_connections = 256;
  CapacityGoal goal;
  bool validate = true;
  std::string out_dir = "reports";
  bool progress = true;  // a progress bar on stderr
};

struct CapacityOutcome {
  Report report;
  std::string report_dir;
};

// Throws when the run itself fails (a process of the deployment dies, nothing answers).
CapacityOutcome run_capacity(const CapacityPlan& plan);

// The one-screen summary printed at the end.
std::string summary_table(const Report& report);

}  // namespace coqueue::loadtest
