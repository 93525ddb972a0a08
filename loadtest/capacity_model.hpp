#pragma once
// The capacity model: from the measured steps, per-job costs of each process role, the smallest
// worker count that meets a latency goal under a per-process CPU ceiling for each client count,
// a prediction of throughput and p99 for a configuration, and what bigger loads would need.
// Plain functions over recorded data: no I/O, so they are tested on recorded steps.

#include <optional>
#include <string>
#include <vector>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

struct CapacityGoal {
  double p99_ms = 250;
  double cpu_ceiling_percent = 80;    // per process, % of one core
  double max_error_fraction = 0.001;  // errors allowed, as a fraction of completed jobs
};

// Fills step.roles from step.processes.
void summarize_roles(StepResult& step);

// The busiest process of the deployment in a step (the load generator is not part of it).
const ProcessUsage* busiest_process(const StepResult& step);

bool meets_goal(const StepResult& step, const CapacityGoal& goal);

// One recommendation per client count, from the closed-loop steps of the sweep (not the
// validation re-runs): the smallest worker count that meets the goal, or advice when none does.
std::vector<Recommendation> recommend(const std::vector<StepResult>& steps,
                                      const std::vector<int>& clients, const CapacityGoal& goal,
                                      int machine_cores);

struct Prediction {
  double jobs_per_s = 0;
  double p99_ms = 0;
};

// What the model expects K closed-loop clients to get from W workers, from the sweep's steps
// with W workers. Between two measured client counts: linear interpolation of throughput and
// p99. Below the smallest: throughput K / R0 (R0, the mean latency there, cannot shrink with
// fewer clients) and that step's p99. Above the largest: a closed system past saturation,
// throughput stays at the best seen, the mean latency grows by Little's law (K / throughput)
// and the p99 keeps the largest step's p99-to-mean ratio. Nothing when no step has W workers.
std::optional<Prediction> predict(const std::vector<StepResult>& steps, int clients, int workers);

// The model's recommendation for a client count the sweep did not measure, half way between its
// two largest client counts (when the larger met the goal): the worker count recommended for the
// larger (more clients never need fewer workers), with the predicted throughput and p99. The
// capacity run re-runs it to check the model. Nothing when the sweep gives no such pair.
std::optional<Recommendation> recommend_between(const std::vector<StepResult>& steps,
                                                const std::vector<Recommendation>& measured,
                                                const CapacityGoal& goal);

Validation compare(const Prediction& predicted, const StepResult& measured,
                   double tolerance = 0.10);

// Per-job costs over the steps that carried real load (at least half the best throughput).
CostModel fit_costs(const std::vector<StepResult>& steps, int machine_cores);

// What `rates` (jobs/s) would need on machines like this one, each process kept at the ceiling.
std::vector<Extrapolation> extrapolate(const CostModel& costs, const CapacityGoal& goal,
                                       int worker_concurrency, const std::vector<double>& rates);
std::vector<std::string> extrapolation_assumptions(const CostModel& costs, const CapacityGoal& goal,
                                                   int worker_concurrency);

}  // namespace coqueue::loadtest
