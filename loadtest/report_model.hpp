#pragma once
// What a capacity run measured and concluded: the data behind report.json, report.md and
// report.html. Plain values, so the writers and the capacity model can be tested on recorded data.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coqueue::loadtest {

// Bumped when a field of report.json changes meaning or goes away (adding fields keeps it).
inline constexpr int report_schema_version = 1;

struct LatencySummary {  // milliseconds
  std::uint64_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
};

struct ProcessUsage {
  std::string role;  // "server", "worker", "redis" or "loadgen"
  std::string name;  // "server-1", "worker-2", "redis", "loadgen"
  int pid = 0;
  double cpu_percent = 0;  // user+sys over the measuring window, % of one core
  double cpu_seconds = 0;
  double rss_mb = 0;        // peak resident set over the window
  double rss_mb_start = 0;  // resident set as the window opened and as it closed: their
  double rss_mb_end = 0;    // difference over a long window is what a soak looks at
};

// The processes of one role in a step, summed and at their worst.
struct RoleUsage {
  std::string role;
  int processes = 0;
  double cpu_percent_total = 0;  // % of one core, summed over the role's processes
  double cpu_percent_max = 0;    // the busiest single process
  double rss_mb_total = 0;
  double rss_mb_max = 0;
  double cpu_ms_per_job = 0;  // CPU milliseconds per completed job, summed over the role
};

struct DepthSample {
  double at_s = 0;  // seconds since the step's measuring window began
  std::int64_t pending = 0;
  std::int64_t processing = 0;
};

struct StepResult {
  std::string mode = "closed";  // "closed": K clients in a loop; "open": a fixed submit rate
  int clients = 0;              // closed: clients; open: connections
  int workers = 0;
  int servers = 0;
  double target_rate = 0;  // open loop only, jobs/s
  double seconds = 0;      // length of the measuring window (after warm-up)
  std::uint64_t submitted = 0;
  std::uint64_t completed = 0;
  double jobs_per_s = 0;  // completed per second
  double submitted_per_s = 0;
  LatencySummary latency_ms;                    // submit to result seen by the client
  LatencySummary submit_latency_ms;             // until POST /jobs answered
  std::map<std::string, std::uint64_t> errors;  // by kind: "http_503", "timeout", "connect", ...
  std::vector<ProcessUsage> processes;
  std::vector<RoleUsage> roles;
  std::vector<DepthSample> queue_depth;
  double machine_cpu_percent = 0;  // everything on the machine, % of all cores (/proc/stat)
  // Cross-checks: completions the clients saw over the whole step (warm-up and drain included),
  // and the backend's own count of jobs completed over the same time (-1 when unknown).
  std::uint64_t completed_total = 0;
  std::int64_t server_completed = -1;
  std::uint64_t unfinished = 0;  // jobs still in flight when the drain limit closed the clients
  bool validation = false;       // a re-run of a recommendation, not part of the sweep

  std::uint64_t error_total() const {
    std::uint64_t total = 0;
    for (const auto& [kind, n] : errors) total += n;
    return total;
  }
};

struct Validation {
  int clients = 0;
  int workers = 0;
  double predicted_jobs_per_s = 0;
  double measured_jobs_per_s = 0;
  double predicted_p99_ms = 0;
  double measured_p99_ms = 0;
  double jobs_per_s_error = 0;  // |measured - predicted| / predicted
  double p99_error = 0;
  bool model_error = false;  // either error over 10%
};

struct Recommendation {
  int clients = 0;
  int workers = 0;  // the smallest worker count that meets the goal; 0 when none does
  bool meets_goal = false;
  double headroom = 0;  // the tighter of the latency and CPU margins, as a fraction (0.25 = 25%)
  double jobs_per_s = 0;
  double p99_ms = 0;
  double busiest_cpu_percent = 0;  // the busiest single process of that step, % of one core
  std::string busiest_process;     // its name
  std::string advice;              // when no worker count meets the goal: what to try
  // A client count between the sweep's: the model's answer (interpolated), not a measurement;
  // its validation is the re-run that measured it.
  bool predicted = false;
  std::optional<Validation> validation;
};

// Costs fitted from the sweep, the inputs of the extrapolation. A role's CPU is fitted as
// fixed + marginal: its processes spend a fixed share of a core each whatever the load
// (heartbeats, timers, blocking claims that time out) plus a marginal cost per job. At low rates
// the fixed part dominates an average per job; only the marginal part grows with the rate.
struct CostModel {
  double server_cpu_ms_per_job = 0;  // marginal
  double worker_cpu_ms_per_job = 0;
  double redis_cpu_ms_per_job = 0;
  double loadgen_cpu_ms_per_job = 0;
  double server_fixed_cpu_percent = 0;  // per process, % of one core
  double worker_fixed_cpu_percent = 0;
  double redis_fixed_cpu_percent = 0;
  double redis_cpu_percent_per_1000_jobs_s = 0;
  double jobs_per_s_per_worker = 0;  // best measured throughput divided by the workers
  double jobs_per_s_per_core = 0;    // best measured throughput divided by the machine's cores
  double service_ms = 0;             // mean latency at the lightest load: the no-queueing time
};

// What a target rate needs, on machines like this one.
struct Extrapolation {
  double target_jobs_per_s = 0;
  int workers = 0;
  int servers = 0;
  int redis_instances = 0;  // more than one means Redis Cluster shards
  int cores = 0;            // total cores for servers, workers and Redis at the CPU ceiling
};

struct Machine {
  int cores = 0;
  double memory_gb = 0;
  std::string cpu_model;
  std::string kernel;
};

struct Plan {
  std::string target;  // "spawn" or the URL of an existing deployment
  int servers = 0;
  std::vector<int> workers;
  std::vector<int> clients;
  int worker_concurrency = 0;
  double duration_s = 0;
  double warmup_s = 0;
  std::string job_mix;  // as given, e.g. "cpu:2=1,sleep:20=3"
  std::string wait;     // "long-poll" or "poll:<ms>"
  double rate = 0;      // open-loop rate; 0 when not asked
  double p99_goal_ms = 0;
  double cpu_ceiling_percent = 0;  // per process, % of one core
};

struct Report {
  int schema_version = report_schema_version;
  std::string started_at;  // ISO 8601, UTC
  double total_seconds = 0;
  Machine machine;
  Plan plan;
  std::vector<StepResult> steps;
  CostModel costs;
  std::vector<Recommendation> recommendations;
  std::vector<Extrapolation> extrapolations;
  std::vector<std::string> assumptions;  // of the extrapolation, in words
  std::vector<std::string> notes;        // anything the reader must know (failed steps, ...)
};

}  // namespace coqueue::loadtest
