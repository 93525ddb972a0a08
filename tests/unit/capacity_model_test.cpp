#include "loadtest/capacity_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace coqueue::loadtest {
namespace {

constexpr double window_s = 10;

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in '" << text << "'";
}

ProcessUsage process(const std::string& role, const std::string& name, double cpu_percent,
                     double rss_mb = 20) {
  return {.role = role,
          .name = name,
          .pid = 100,
          .cpu_percent = cpu_percent,
          .cpu_seconds = cpu_percent / 100.0 * window_s,
          .rss_mb = rss_mb};
}

// A closed-loop step of the sweep. Every process is under the 80% ceiling except the load
// generator, which must never count against the deployment.
StepResult step(int workers, int clients, double jobs_per_s, double mean_ms, double p99_ms) {
  StepResult s;
  s.workers = workers;
  s.clients = clients;
  s.servers = 1;
  s.seconds = window_s;
  s.jobs_per_s = jobs_per_s;
  s.completed = static_cast<std::uint64_t>(std::llround(jobs_per_s * window_s));
  s.submitted = s.completed;
  s.latency_ms.count = s.completed;
  s.latency_ms.mean = mean_ms;
  s.latency_ms.p99 = p99_ms;
  s.processes.push_back(process("server", "server-1", 40));
  for (int w = 1; w <= workers; ++w) {
    s.processes.push_back(process("worker", "worker-" + std::to_string(w), 50));
  }
  s.processes.push_back(process("redis", "redis", 30));
  s.processes.push_back(process("loadgen", "loadgen", 95));
  s.machine_cpu_percent = 60;
  return s;
}

ProcessUsage& find(StepResult& s, const std::string& name) {
  for (ProcessUsage& p : s.processes) {
    if (p.name == name) return p;
  }
  throw std::runtime_error("no process " + name);
}

StepResult* find_step(std::vector<StepResult>& steps, int workers, int clients) {
  for (StepResult& s : steps) {
    if (s.workers == workers && s.clients == clients) return &s;
  }
  return nullptr;
}

// 1 and 2 workers against 10, 20 and 40 clients. One worker meets the goal (p99 250 ms) only at
// 10 clients; two meet it everywhere. Each mean latency is K / throughput (Little's law), as it is
// for clients that submit again as soon as a job ends. Listed out of order on purpose.
std::vector<StepResult> sweep() {
  return {
      step(2, 40, 1200, 40.0 / 1200 * 1000, 120),
      step(1, 10, 500, 20, 50),
      step(2, 10, 500, 20, 40),
      step(1, 40, 600, 40.0 / 600 * 1000, 400),
      step(2, 20, 1000, 20, 60),
      step(1, 20, 600, 20.0 / 600 * 1000, 300),
  };
}

const std::vector<int> sweep_clients{10, 20, 40};

TEST(CapacityModel, SummarizeRolesSumsAndMaxesEachRole) {
  StepResult s;
  s.seconds = 10;
  s.completed = 5000;
  s.processes = {process("server", "server-1", 40, 30), process("worker", "worker-1", 50, 20),
                 process("worker", "worker-2", 30, 25), process("redis", "redis", 25, 12),
                 process("loadgen", "loadgen", 15, 9)};
  s.roles.push_back({.role = "stale"});
  summarize_roles(s);
  summarize_roles(s);  // recomputed, not appended to
  ASSERT_EQ(s.roles.size(), 4u);

  const auto role = [&](const std::string& name) {
    for (const RoleUsage& r : s.roles) {
      if (r.role == name) return r;
    }
    ADD_FAILURE() << "no role " << name;
    return RoleUsage{};
  };
  const RoleUsage workers = role("worker");
  EXPECT_EQ(workers.processes, 2);
  EXPECT_DOUBLE_EQ(workers.cpu_percent_total, 80);
  EXPECT_DOUBLE_EQ(workers.cpu_percent_max, 50);
  EXPECT_DOUBLE_EQ(workers.rss_mb_total, 45);
  EXPECT_DOUBLE_EQ(workers.rss_mb_max, 25);
  // 80% of a core for 10 s is 8,000 CPU ms over 5,000 jobs.
  EXPECT_DOUBLE_EQ(workers.cpu_ms_per_job, 1.6);
  const RoleUsage server = role("server");
  EXPECT_EQ(server.processes, 1);
  EXPECT_DOUBLE_EQ(server.cpu_percent_total, 40);
  EXPECT_DOUBLE_EQ(server.cpu_ms_per_job, 0.8);
  EXPECT_DOUBLE_EQ(role("redis").cpu_ms_per_job, 0.5);
  EXPECT_DOUBLE_EQ(role("loadgen").cpu_ms_per_job, 0.3);

  s.completed = 0;  // no jobs: no cost per job rather than a division by zero
  summarize_roles(s);
  for (const RoleUsage& r : s.roles) EXPECT_EQ(r.cpu_ms_per_job, 0.0) << r.role;
}

TEST(CapacityModel, BusiestProcessLeavesOutTheLoadGenerator) {
  StepResult s = step(2, 10, 500, 20, 40);
  find(s, "worker-2").cpu_percent = 70;
  const ProcessUsage* busiest = busiest_process(s);
  ASSERT_NE(busiest, nullptr);
  EXPECT_EQ(busiest->name, "worker-2");

  StepResult only_loadgen;
  only_loadgen.processes.push_back(process("loadgen", "loadgen", 99));
  EXPECT_EQ(busiest_process(only_loadgen), nullptr);
}

TEST(CapacityModel, MeetsGoalChecksP99CpuCeilingAndErrors) {
  const CapacityGoal goal;  // p99 250 ms, 80% of a core, errors up to 0.1% of completed jobs
  const StepResult base = step(2, 20, 1000, 20, 60);  // 10,000 completed; loadgen at 95%
  EXPECT_TRUE(meets_goal(base, goal));

  StepResult slow = base;
  slow.latency_ms.p99 = 250;
  EXPECT_TRUE(meets_goal(slow, goal));
  slow.latency_ms.p99 = 250.1;
  EXPECT_FALSE(meets_goal(slow, goal));

  StepResult hot = base;
  find(hot, "redis").cpu_percent = 80;
  EXPECT_TRUE(meets_goal(hot, goal));
  find(hot, "redis").cpu_percent = 81;
  EXPECT_FALSE(meets_goal(hot, goal));

  StepResult failing = base;
  failing.errors["http_503"] = 6;
  failing.errors["timeout"] = 4;
  EXPECT_TRUE(meets_goal(failing, goal));  // 10 of 10,000 is the limit
  failing.errors["connect"] = 1;
  EXPECT_FALSE(meets_goal(failing, goal));

  StepResult idle = base;
  idle.completed = 0;
  EXPECT_FALSE(meets_goal(idle, goal));
}

TEST(CapacityModel, RecommendPicksTheSmallestWorkerCountThatMeetsTheGoal) {
  std::vector<StepResult> steps = sweep();
  // Re-runs and open-loop steps are not part of the sweep, however good they look.
  StepResult rerun = step(1, 20, 900, 20, 30);
  rerun.validation = true;
  steps.push_back(rerun);
  StepResult open = step(1, 40, 900, 20, 30);
  open.mode = "open";
  steps.push_back(open);

  const std::vector<Recommendation> recs =
      recommend(steps, {10, 20, 40, 80}, CapacityGoal{}, 4);  // 80 was not measured
  ASSERT_EQ(recs.size(), 3u);

  EXPECT_EQ(recs[0].clients, 10);
  EXPECT_EQ(recs[0].workers, 1);
  EXPECT_TRUE(recs[0].meets_goal);
  EXPECT_DOUBLE_EQ(recs[0].jobs_per_s, 500);
  EXPECT_DOUBLE_EQ(recs[0].p99_ms, 50);
  EXPECT_EQ(recs[0].busiest_process, "worker-1");
  EXPECT_DOUBLE_EQ(recs[0].busiest_cpu_percent, 50);
  // The tighter margin: p99 uses 20% of the goal, the worker 62.5% of the ceiling.
  EXPECT_DOUBLE_EQ(recs[0].headroom, 0.375);
  EXPECT_TRUE(recs[0].advice.empty());
  EXPECT_FALSE(recs[0].predicted);

  EXPECT_EQ(recs[1].clients, 20);
  EXPECT_EQ(recs[1].workers, 2);
  EXPECT_TRUE(recs[1].meets_goal);
  EXPECT_DOUBLE_EQ(recs[1].jobs_per_s, 1000);

  EXPECT_EQ(recs[2].clients, 40);
  EXPECT_EQ(recs[2].workers, 2);
  EXPECT_TRUE(recs[2].meets_goal);
  EXPECT_DOUBLE_EQ(recs[2].p99_ms, 120);
}

TEST(CapacityModel, RecommendNamesRedisWhenRedisIsOverTheCeiling) {
  std::vector<StepResult> steps = sweep();
  find(*find_step(steps, 1, 40), "redis").cpu_percent = 95;
  find(*find_step(steps, 2, 40), "redis").cpu_percent = 95;
  const std::vector<Recommendation> recs = recommend(steps, sweep_clients, CapacityGoal{}, 4);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_TRUE(recs[1].meets_goal);
  const Recommendation& r = recs[2];
  EXPECT_FALSE(r.meets_goal);
  EXPECT_EQ(r.workers, 0);
  EXPECT_EQ(r.busiest_process, "redis");
  EXPECT_LT(r.headroom, 0);
  EXPECT_TRUE(contains(r.advice, "Redis"));
  EXPECT_TRUE(contains(r.advice, "95%"));
}

TEST(CapacityModel, RecommendAsksForCoresWhenTheMachineIsBusy) {
  std::vector<StepResult> steps = sweep();
  for (const int w : {1, 2}) {
    StepResult& s = *find_step(steps, w, 40);
    s.latency_ms.p99 = 400;
    s.machine_cpu_percent = 95;
  }
  const Recommendation r = recommend(steps, sweep_clients, CapacityGoal{}, 4).at(2);
  EXPECT_FALSE(r.meets_goal);
  EXPECT_EQ(r.workers, 0);
  EXPECT_TRUE(contains(r.advice, "4 cores"));
  EXPECT_TRUE(contains(r.advice, "p99 was 400 ms"));
  EXPECT_FALSE(contains(r.advice, "Redis"));
}

TEST(CapacityModel, RecommendSuggestsMoreWorkersWhenNothingElseIsTheLimit) {
  std::vector<StepResult> steps = sweep();
  find_step(steps, 2, 40)->latency_ms.p99 = 400;
  const Recommendation r = recommend(steps, sweep_clients, CapacityGoal{}, 4).at(2);
  EXPECT_FALSE(r.meets_goal);
  EXPECT_EQ(r.workers, 0);
  EXPECT_DOUBLE_EQ(r.p99_ms, 400);  // shown for the largest worker count tried
  EXPECT_TRUE(contains(r.advice, "more than 2 workers"));
}

TEST(CapacityModel, PredictInterpolatesBetweenMeasuredClientCounts) {
  const std::vector<StepResult> steps = sweep();
  const auto p = predict(steps, 30, 2);  // half way between 20 and 40 clients
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->jobs_per_s, 1100);
  EXPECT_DOUBLE_EQ(p->p99_ms, 90);

  const auto q = predict(steps, 15, 2);  // half way between 10 and 20
  ASSERT_TRUE(q.has_value());
  EXPECT_DOUBLE_EQ(q->jobs_per_s, 750);
  EXPECT_DOUBLE_EQ(q->p99_ms, 50);
}

TEST(CapacityModel, PredictEqualsTheMeasurementAtAMeasuredPoint) {
  const std::vector<StepResult> steps = sweep();
  for (const int k : sweep_clients) {
    const auto p = predict(steps, k, 2);
    ASSERT_TRUE(p.has_value()) << k;
    const StepResult* measured = nullptr;
    for (const StepResult& s : steps) {
      if (s.workers == 2 && s.clients == k) measured = &s;
    }
    ASSERT_NE(measured, nullptr);
    EXPECT_NEAR(p->jobs_per_s, measured->jobs_per_s, 1e-9) << k;
    EXPECT_NEAR(p->p99_ms, measured->latency_ms.p99, 1e-9) << k;
  }
}

TEST(CapacityModel, PredictBelowTheSmallestUsesClientsOverTheLightestLatency) {
  const auto p = predict(sweep(), 5, 2);
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->jobs_per_s, 250);  // 5 clients / 20 ms
  EXPECT_DOUBLE_EQ(p->p99_ms, 40);
}

TEST(CapacityModel, PredictAboveTheLargestFollowsLittlesLaw) {
  const auto p = predict(sweep(), 80, 2);
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->jobs_per_s, 1200);  // saturated: the best throughput seen
  // Mean 80 / 1200 s = 66.7 ms, times the largest step's p99-to-mean ratio (120 / 33.3).
  EXPECT_NEAR(p->p99_ms, 240, 1e-9);
}

TEST(CapacityModel, PredictIgnoresStepsOutsideTheSweep) {
  std::vector<StepResult> steps = sweep();
  StepResult rerun = step(2, 30, 5000, 6, 7);
  rerun.validation = true;
  steps.push_back(rerun);
  StepResult open = step(2, 30, 5000, 6, 7);
  open.mode = "open";
  steps.push_back(open);
  const auto p = predict(steps, 30, 2);
  ASSERT_TRUE(p.has_value());
  EXPECT_DOUBLE_EQ(p->jobs_per_s, 1100);

  EXPECT_FALSE(predict(steps, 30, 3).has_value());  // no step with 3 workers
  EXPECT_FALSE(predict(steps, 0, 2).has_value());
}

TEST(CapacityModel, RecommendBetweenTakesTheMidpointOfTheTwoLargestCounts) {
  const std::vector<StepResult> steps = sweep();
  const CapacityGoal goal;
  std::vector<Recommendation> recs = recommend(steps, sweep_clients, goal, 4);
  // An earlier model answer is not a measured count to take a midpoint from.
  Recommendation earlier;
  earlier.clients = 100;
  earlier.workers = 2;
  earlier.meets_goal = true;
  earlier.predicted = true;
  recs.push_back(earlier);

  const auto r = recommend_between(steps, recs, goal);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->clients, 30);
  EXPECT_EQ(r->workers, 2);  // the larger count's
  EXPECT_TRUE(r->predicted);
  EXPECT_TRUE(r->meets_goal);
  EXPECT_DOUBLE_EQ(r->jobs_per_s, 1100);
  EXPECT_DOUBLE_EQ(r->p99_ms, 90);
  EXPECT_EQ(r->busiest_process, "worker-1");
  EXPECT_DOUBLE_EQ(r->headroom, 0.375);
  EXPECT_FALSE(r->validation.has_value());
}

TEST(CapacityModel, RecommendBetweenGivesNothingWhenTheLargerMissedTheGoal) {
  std::vector<StepResult> steps = sweep();
  find(*find_step(steps, 1, 40), "redis").cpu_percent = 95;
  find(*find_step(steps, 2, 40), "redis").cpu_percent = 95;
  const CapacityGoal goal;
  const std::vector<Recommendation> recs = recommend(steps, sweep_clients, goal, 4);
  ASSERT_FALSE(recs.back().meets_goal);
  EXPECT_FALSE(recommend_between(steps, recs, goal).has_value());
}

TEST(CapacityModel, RecommendBetweenNeedsTwoCountsWithRoomBetween) {
  const std::vector<StepResult> steps = sweep();
  const CapacityGoal goal;
  const std::vector<Recommendation> one = recommend(steps, {40}, goal, 4);
  EXPECT_FALSE(recommend_between(steps, one, goal).has_value());

  Recommendation a;
  a.clients = 20;
  a.workers = 2;
  a.meets_goal = true;
  Recommendation b = a;
  b.clients = 21;  // the midpoint rounds down onto 20, which was measured
  EXPECT_FALSE(recommend_between(steps, {a, b}, goal).has_value());
}

TEST(CapacityModel, CompareFlagsModelErrorsOverTenPercent) {
  const Prediction predicted{.jobs_per_s = 1000, .p99_ms = 100};
  StepResult measured = step(2, 30, 1090, 25, 95);

  Validation v = compare(predicted, measured);
  EXPECT_EQ(v.clients, 30);
  EXPECT_EQ(v.workers, 2);
  EXPECT_DOUBLE_EQ(v.predicted_jobs_per_s, 1000);
  EXPECT_DOUBLE_EQ(v.measured_jobs_per_s, 1090);
  EXPECT_DOUBLE_EQ(v.predicted_p99_ms, 100);
  EXPECT_DOUBLE_EQ(v.measured_p99_ms, 95);
  EXPECT_NEAR(v.jobs_per_s_error, 0.09, 1e-12);
  EXPECT_NEAR(v.p99_error, 0.05, 1e-12);
  EXPECT_FALSE(v.model_error);

  measured.jobs_per_s = 880;  // 12% short
  EXPECT_TRUE(compare(predicted, measured).model_error);

  measured.jobs_per_s = 1000;
  measured.latency_ms.p99 = 111;
  v = compare(predicted, measured);
  EXPECT_NEAR(v.p99_error, 0.11, 1e-12);
  EXPECT_TRUE(v.model_error);

  // Nothing predicted cannot be right.
  EXPECT_TRUE(compare(Prediction{}, measured).model_error);
}

// A step whose processes used the given CPU milliseconds per completed job (the workers share
// theirs equally).
StepResult costed(int workers, int clients, double jobs_per_s, double mean_ms, double server_ms,
                  double worker_ms, double redis_ms, double loadgen_ms) {
  StepResult s = step(workers, clients, jobs_per_s, mean_ms, mean_ms * 3);
  const double jobs = static_cast<double>(s.completed);
  for (ProcessUsage& p : s.processes) {
    double ms = 0;
    if (p.role == "server") ms = server_ms;
    if (p.role == "worker") ms = worker_ms / workers;
    if (p.role == "redis") ms = redis_ms;
    if (p.role == "loadgen") ms = loadgen_ms;
    p.cpu_seconds = ms * jobs / 1000.0;
    p.cpu_percent = 100.0 * p.cpu_seconds / s.seconds;
  }
  return s;
}

// A step whose processes spend exactly `fixed` % of a core each plus `marginal_ms` per job
// (spread evenly over a role's processes): what fit_costs must recover.
StepResult fixed_plus_marginal(int workers, int clients, double jobs_per_s, double mean_ms) {
  StepResult s = step(workers, clients, jobs_per_s, mean_ms, mean_ms * 3);
  const auto set = [&](ProcessUsage& p, double fixed_percent, double marginal_ms, int of) {
    p.cpu_percent = fixed_percent + 100.0 * jobs_per_s * marginal_ms / 1000.0 / of;
    p.cpu_seconds = p.cpu_percent / 100.0 * s.seconds;
  };
  for (ProcessUsage& p : s.processes) {
    if (p.role == "server") set(p, 3, 0.05, 1);
    if (p.role == "worker") set(p, 2, 0.2, workers);
    if (p.role == "redis") set(p, 10, 0.03, 1);
    if (p.role == "loadgen") set(p, 0, 0.04, 1);
  }
  return s;
}

TEST(CapacityModel, FitCostsSeparatesTheFixedShareFromTheMarginalCostPerJob) {
  // At low rates the fixed share dominates an average per job: a mean over the steps would
  // make Redis look ten times dearer than it is at 10,000 jobs/s.
  std::vector<StepResult> steps = {
      fixed_plus_marginal(1, 10, 200, 18),  fixed_plus_marginal(1, 50, 500, 40),
      fixed_plus_marginal(2, 10, 400, 16),  fixed_plus_marginal(2, 50, 1200, 30),
      fixed_plus_marginal(4, 50, 2000, 20),
  };
  StepResult rerun = costed(4, 40, 5000, 8, 9, 9, 9, 9);  // not part of the sweep
  rerun.validation = true;
  steps.push_back(rerun);
  StepResult open = costed(4, 40, 3000, 8, 9, 9, 9, 9);
  open.mode = "open";
  steps.push_back(open);

  const CostModel c = fit_costs(steps, 4);
  EXPECT_NEAR(c.server_cpu_ms_per_job, 0.05, 1e-9);
  EXPECT_NEAR(c.worker_cpu_ms_per_job, 0.2, 1e-9);
  EXPECT_NEAR(c.redis_cpu_ms_per_job, 0.03, 1e-9);
  EXPECT_NEAR(c.server_fixed_cpu_percent, 3, 1e-6);
  EXPECT_NEAR(c.worker_fixed_cpu_percent, 2, 1e-6);
  EXPECT_NEAR(c.redis_fixed_cpu_percent, 10, 1e-6);
  EXPECT_NEAR(c.redis_cpu_percent_per_1000_jobs_s, 3, 1e-6);
  EXPECT_NEAR(c.loadgen_cpu_ms_per_job, 0.04, 1e-3);  // an average over the sweep's jobs
  EXPECT_DOUBLE_EQ(c.jobs_per_s_per_worker, 500);     // 2000 jobs/s from 4 workers
  EXPECT_DOUBLE_EQ(c.jobs_per_s_per_core, 500);
  EXPECT_DOUBLE_EQ(c.service_ms, 16);  // the lightest load's latency
}

TEST(CapacityModel, FitCostsFallsBackToCpuOverJobsWhenTheRatesCannotSeparateThem) {
  // Every step at the same rate with the same processes: no way to tell fixed from marginal.
  std::vector<StepResult> steps = {costed(1, 10, 1000, 10, 0.4, 1.5, 0.2, 0.3),
                                   costed(1, 50, 1000, 40, 0.4, 1.5, 0.2, 0.3)};
  const CostModel c = fit_costs(steps, 2);
  EXPECT_NEAR(c.server_cpu_ms_per_job, 0.4, 1e-9);
  EXPECT_NEAR(c.worker_cpu_ms_per_job, 1.5, 1e-9);
  EXPECT_NEAR(c.redis_cpu_ms_per_job, 0.2, 1e-9);
  EXPECT_EQ(c.redis_fixed_cpu_percent, 0.0);
}

TEST(CapacityModel, FitCostsOfNoStepsIsZero) {
  const CostModel c = fit_costs({}, 4);
  EXPECT_EQ(c.server_cpu_ms_per_job, 0.0);
  EXPECT_EQ(c.jobs_per_s_per_worker, 0.0);
  EXPECT_EQ(c.service_ms, 0.0);
}

TEST(CapacityModel, ExtrapolateGrowsWithTheRateAtTheCpuCeiling) {
  CostModel costs;
  costs.server_cpu_ms_per_job = 0.3;
  costs.worker_cpu_ms_per_job = 1.5;
  costs.redis_cpu_ms_per_job = 0.1;
  costs.service_ms = 5;
  const std::vector<Extrapolation> e =
      extrapolate(costs, CapacityGoal{}, 10, {1000, 10000, 100000});
  ASSERT_EQ(e.size(), 3u);
  // At 80% of a core per process: 1,000 jobs/s x 1.5 ms = 1.5 cores of work = 1.875 workers.
  EXPECT_DOUBLE_EQ(e[0].target_jobs_per_s, 1000);
  EXPECT_EQ(e[0].workers, 2);
  EXPECT_EQ(e[0].servers, 1);
  EXPECT_EQ(e[0].redis_instances, 1);
  EXPECT_EQ(e[0].cores, 3);  // 1.9 ms a job: 2.375 cores
  EXPECT_EQ(e[1].workers, 19);
  EXPECT_EQ(e[1].servers, 4);
  EXPECT_EQ(e[1].redis_instances, 2);
  EXPECT_EQ(e[1].cores, 24);
  EXPECT_EQ(e[2].workers, 188);
  EXPECT_EQ(e[2].servers, 38);
  EXPECT_EQ(e[2].redis_instances, 13);
  EXPECT_EQ(e[2].cores, 238);
  for (std::size_t i = 1; i < e.size(); ++i) {
    EXPECT_GT(e[i].workers, e[i - 1].workers);
    EXPECT_GT(e[i].servers, e[i - 1].servers);
    EXPECT_GT(e[i].redis_instances, e[i - 1].redis_instances);
    EXPECT_GT(e[i].cores, e[i - 1].cores);
  }
}

TEST(CapacityModel, ExtrapolateLeavesEachProcessOnlyWhatItsFixedShareDoesNotTake) {
  CostModel costs;
  costs.redis_cpu_ms_per_job = 0.02;
  costs.service_ms = 1;
  const auto without = extrapolate(costs, CapacityGoal{}, 100, {100000});
  costs.redis_fixed_cpu_percent = 40;  // half of the 80% ceiling gone before any job
  const auto with = extrapolate(costs, CapacityGoal{}, 100, {100000});
  // 100,000 jobs/s x 0.02 ms = 2 cores of Redis: 3 instances at 80%, 5 at the 40% left.
  EXPECT_EQ(without[0].redis_instances, 3);
  EXPECT_EQ(with[0].redis_instances, 5);
  EXPECT_GT(with[0].cores, without[0].cores);
}

TEST(CapacityModel, ExtrapolateGivesWorkersEnoughSlotsForTheJobsInFlight) {
  CostModel costs;
  costs.server_cpu_ms_per_job = 0.3;
  costs.worker_cpu_ms_per_job = 1.5;
  costs.redis_cpu_ms_per_job = 0.1;
  costs.service_ms = 250;  // long jobs: slots, not CPU, set the worker count
  const int concurrency = 4;
  const std::vector<double> rates{10, 1000, 10000};
  const std::vector<Extrapolation> e = extrapolate(costs, CapacityGoal{}, concurrency, rates);
  ASSERT_EQ(e.size(), rates.size());
  for (std::size_t i = 0; i < e.size(); ++i) {
    const double slots = rates[i] * costs.service_ms / 1000.0 / concurrency;
    EXPECT_GE(e[i].workers, static_cast<int>(std::ceil(slots))) << rates[i];
  }
  EXPECT_EQ(e[0].workers, 1);    // 2.5 jobs in flight
  EXPECT_EQ(e[1].workers, 63);   // 250 in flight, 4 at a time: 62.5
  EXPECT_EQ(e[2].workers, 625);  // 2,500 in flight
  EXPECT_EQ(e[1].servers, 1);    // the servers still only need CPU
}

}  // namespace
}  // namespace coqueue::loadtest
