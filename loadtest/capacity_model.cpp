#include "loadtest/capacity_model.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

bool is_sweep_step(const StepResult& step) {
  return step.mode == "closed" && !step.validation;
}

// What to try when no worker count of the sweep met the goal, read off its largest one.
std::string advice_for(const StepResult& largest, const CapacityGoal& goal, int machine_cores) {
  const ProcessUsage* busiest = busiest_process(largest);
  const double machine = largest.machine_cpu_percent;
  std::string why = format_printf("With %.0f workers, p99 was %.0f ms (goal %.0f ms)",
                                  largest.workers, largest.latency_ms.p99, goal.p99_ms);
  if (busiest != nullptr && busiest->cpu_percent > goal.cpu_ceiling_percent) {
    why += " and " + busiest->name +
           format_printf(" used %.0f%% of a core (ceiling %.0f%%)", busiest->cpu_percent,
                         goal.cpu_ceiling_percent);
  }
  why += ". ";
  if (busiest != nullptr && busiest->role == "redis" &&
      busiest->cpu_percent > goal.cpu_ceiling_percent) {
    return why + "Redis is the limit: spread the queues over more Redis instances (Redis Cluster).";
  }
  if (machine > 90) {
    return why + format_printf(
                     "The machine was %.0f%% busy over its %.0f cores: more workers need more "
                     "cores or machines (see the extrapolation).",
                     machine, machine_cores);
  }
  if (busiest != nullptr && busiest->role == "server" &&
      busiest->cpu_percent > goal.cpu_ceiling_percent) {
    return why + "The API server is the limit: run more servers (--servers).";
  }
  return why + format_printf("Try more than %.0f workers, or a higher --worker-concurrency.",
                             largest.workers);
}

}  // namespace

void summarize_roles(StepResult& step) {
  std::map<std::string, RoleUsage> by_role;
  for (const ProcessUsage& p : step.processes) {
    RoleUsage& r = by_role[p.role];
    r.role = p.role;
    ++r.processes;
    r.cpu_percent_total += p.cpu_percent;
    r.cpu_ms_per_job += p.cpu_seconds * 1000.0;  // divided by the jobs below
    r.cpu_percent_max = std::max(r.cpu_percent_max, p.cpu_percent);
    r.rss_mb_total += p.rss_mb;
    r.rss_mb_max = std::max(r.rss_mb_max, p.rss_mb);
  }
  step.roles.clear();
  for (auto& [role, r] : by_role) {
    // CPU per job: the role's CPU time over the window divided by the jobs completed in it.
    r.cpu_ms_per_job =
        step.completed > 0 ? r.cpu_ms_per_job / static_cast<double>(step.completed) : 0.0;
    step.roles.push_back(r);
  }
}

const ProcessUsage* busiest_process(const StepResult& step) {
  const ProcessUsage* busiest = nullptr;
  for (const ProcessUsage& p : step.processes) {
    if (p.role == "loadgen") continue;
    if (busiest == nullptr || p.cpu_percent > busiest->cpu_percent) busiest = &p;
  }
  return busiest;
}

bool meets_goal(const StepResult& step, const CapacityGoal& goal) {
  if (step.completed == 0 || step.latency_ms.p99 > goal.p99_ms) return false;
  if (static_cast<double>(step.error_total()) >
      goal.max_error_fraction * static_cast<double>(step.completed)) {
    return false;
  }
  const ProcessUsage* busiest = busiest_process(step);
  return busiest == nullptr || busiest->cpu_percent <= goal.cpu_ceiling_percent;
}

std::vector<Recommendation> recommend(const std::vector<StepResult>& steps,
                                      const std::vector<int>& clients, const CapacityGoal& goal,
                                      int machine_cores) {
  std::vector<Recommendation> out;
  for (const int k : clients) {
    std::vector<const StepResult*> candidates;
    for (const StepResult& s : steps) {
      if (is_sweep_step(s) && s.clients == k) candidates.push_back(&s);
    }
    if (candidates.empty()) continue;
    std::sort(candidates.begin(), candidates.end(),
              [](const StepResult* a, const StepResult* b) { return a->workers < b->workers; });
    Recommendation rec;
    rec.clients = k;
    const auto fits = std::find_if(candidates.begin(), candidates.end(),
                                   [&](const StepResult* s) { return meets_goal(*s, goal); });
    const StepResult& shown = fits != candidates.end() ? **fits : *candidates.back();
    rec.meets_goal = fits != candidates.end();
    rec.workers = rec.meets_goal ? shown.workers : 0;
    rec.jobs_per_s = shown.jobs_per_s;
    rec.p99_ms = shown.latency_ms.p99;
    if (const ProcessUsage* busiest = busiest_process(shown)) {
      rec.busiest_cpu_percent = busiest->cpu_percent;
      rec.busiest_process = busiest->name;
    }
    const double latency_margin = 1.0 - shown.latency_ms.p99 / goal.p99_ms;
    const double cpu_margin = 1.0 - rec.busiest_cpu_percent / goal.cpu_ceiling_percent;
    rec.headroom = std::min(latency_margin, cpu_margin);
    if (!rec.meets_goal) rec.advice = advice_for(shown, goal, machine_cores);
    out.push_back(std::move(rec));
  }
  return out;
}

std::optional<Prediction> predict(const std::vector<StepResult>& steps, int clients, int workers) {
  std::vector<const StepResult*> fitted;
  for (const StepResult& s : steps) {
    if (is_sweep_step(s) && s.workers == workers && s.completed > 0) fitted.push_back(&s);
  }
  if (fitted.empty() || clients < 1) return std::nullopt;
  std::sort(fitted.begin(), fitted.end(),
            [](const StepResult* a, const StepResult* b) { return a->clients < b->clients; });
  const StepResult& low = *fitted.front();
  const StepResult& high = *fitted.back();
  Prediction p;
  if (clients <= low.clients) {
    p.jobs_per_s = std::min(low.jobs_per_s, clients / (low.latency_ms.mean / 1000.0));
    p.p99_ms = low.latency_ms.p99;
    return p;
  }
  if (clients > high.clients) {
    double best = 0;
    for (const StepResult* s : fitted) best = std::max(best, s->jobs_per_s);
    p.jobs_per_s = best;
    const double tail_ratio =
        high.latency_ms.mean > 0 ? high.latency_ms.p99 / high.latency_ms.mean : 1.0;
    p.p99_ms = clients / best * 1000.0 * tail_ratio;
    return p;
  }
  for (std::size_t i = 1; i < fitted.size(); ++i) {
    const StepResult& a = *fitted[i - 1];
    const StepResult& b = *fitted[i];
    if (clients > b.clients) continue;
    const double t = b.clients == a.clients
                         ? 1.0
                         : static_cast<double>(clients - a.clients) / (b.clients - a.clients);
    p.jobs_per_s = a.jobs_per_s + t * (b.jobs_per_s - a.jobs_per_s);
    p.p99_ms = a.latency_ms.p99 + t * (b.latency_ms.p99 - a.latency_ms.p99);
    break;
  }
  return p;
}

std::optional<Recommendation> recommend_between(const std::vector<StepResult>& steps,
                                                const std::vector<Recommendation>& measured,
                                                const CapacityGoal& goal) {
  std::vector<const Recommendation*> sweep;
  for (const Recommendation& r : measured) {
    if (!r.predicted) sweep.push_back(&r);
  }
  std::sort(sweep.begin(), sweep.end(), [](const Recommendation* a, const Recommendation* b) {
    return a->clients < b->clients;
  });
  if (sweep.size() < 2) return std::nullopt;
  const Recommendation& lower = *sweep[sweep.size() - 2];
  const Recommendation& upper = *sweep.back();
  const int clients = (lower.clients + upper.clients) / 2;
  if (!upper.meets_goal || clients <= lower.clients) return std::nullopt;
  const auto p = predict(steps, clients, upper.workers);
  if (!p) return std::nullopt;
  Recommendation rec;
  rec.clients = clients;
  rec.workers = upper.workers;
  rec.predicted = true;
  rec.meets_goal = p->p99_ms <= goal.p99_ms;
  rec.jobs_per_s = p->jobs_per_s;
  rec.p99_ms = p->p99_ms;
  rec.busiest_process = upper.busiest_process;
  rec.busiest_cpu_percent = upper.busiest_cpu_percent;  // at most that of the larger count
  rec.headroom = std::min(1.0 - p->p99_ms / goal.p99_ms,
                          1.0 - rec.busiest_cpu_percent / goal.cpu_ceiling_percent);
  return rec;
}

Validation compare(const Prediction& predicted, const StepResult& measured, double tolerance) {
  Validation v{.clients = measured.clients,
               .workers = measured.workers,
               .predicted_jobs_per_s = predicted.jobs_per_s,
               .measured_jobs_per_s = measured.jobs_per_s,
               .predicted_p99_ms = predicted.p99_ms,
               .measured_p99_ms = measured.latency_ms.p99};
  const auto relative = [](double p, double m) { return p > 0 ? std::abs(m - p) / p : 1.0; };
  v.jobs_per_s_error = relative(v.predicted_jobs_per_s, v.measured_jobs_per_s);
  v.p99_error = relative(v.predicted_p99_ms, v.measured_p99_ms);
  v.model_error = v.jobs_per_s_error > tolerance || v.p99_error > tolerance;
  return v;
}

namespace {

struct RoleFit {
  double fixed = 0;     // cores per process
  double marginal = 0;  // CPU seconds per job
};

// Least squares of a role's CPU (cores, summed over its n processes) against the step's rate x:
// cpu = fixed * n + marginal * x. Falls back to CPU over jobs when the steps cannot tell the two
// apart or the fit comes out negative.
RoleFit fit_role(const std::vector<const StepResult*>& steps, const std::string& role) {
  double nn = 0, nx = 0, xx = 0, ny = 0, xy = 0, sum_x = 0, sum_y = 0;
  for (const StepResult* s : steps) {
    double n = 0;
    double y = 0;
    for (const ProcessUsage& p : s->processes) {
      if (p.role != role) continue;
      n += 1;
      y += p.cpu_percent / 100.0;
    }
    if (n == 0) continue;
    const double x = s->jobs_per_s;
    nn += n * n;
    nx += n * x;
    xx += x * x;
    ny += n * y;
    xy += x * y;
    sum_x += x;
    sum_y += y;
  }
  RoleFit fit;
  const double det = nn * xx - nx * nx;
  if (det > 1e-9 * std::max(1.0, nn * xx)) {
    fit.fixed = (ny * xx - nx * xy) / det;
    fit.marginal = (nn * xy - nx * ny) / det;
  }
  if (fit.marginal <= 0 || fit.fixed < 0) {
    fit.fixed = 0;
    fit.marginal = xx > 0 ? xy / xx : 0;
  }
  if (fit.marginal <= 0 && sum_x > 0) fit.marginal = sum_y / sum_x;
  return fit;
}

}  // namespace

CostModel fit_costs(const std::vector<StepResult>& steps, int machine_cores) {
  CostModel c;
  std::vector<const StepResult*> sweep;
  const StepResult* best_step = nullptr;
  for (const StepResult& s : steps) {
    if (!is_sweep_step(s) || s.completed == 0) continue;
    sweep.push_back(&s);
    if (best_step == nullptr || s.jobs_per_s > best_step->jobs_per_s) best_step = &s;
  }
  if (best_step == nullptr) return c;
  const RoleFit server = fit_role(sweep, "server");
  const RoleFit worker = fit_role(sweep, "worker");
  const RoleFit redis = fit_role(sweep, "redis");
  c.server_cpu_ms_per_job = server.marginal * 1000.0;
  c.worker_cpu_ms_per_job = worker.marginal * 1000.0;
  c.redis_cpu_ms_per_job = redis.marginal * 1000.0;
  c.server_fixed_cpu_percent = server.fixed * 100.0;
  c.worker_fixed_cpu_percent = worker.fixed * 100.0;
  c.redis_fixed_cpu_percent = redis.fixed * 100.0;
  // The load generator is not part of a deployment: its average is what a run costs it.
  double loadgen_seconds = 0;
  double jobs = 0;
  c.service_ms = best_step->latency_ms.mean;
  for (const StepResult* s : sweep) {
    c.service_ms = std::min(c.service_ms, s->latency_ms.mean);
    jobs += static_cast<double>(s->completed);
    for (const ProcessUsage& p : s->processes) {
      if (p.role == "loadgen") loadgen_seconds += p.cpu_seconds;
    }
  }
  c.loadgen_cpu_ms_per_job = jobs > 0 ? loadgen_seconds * 1000.0 / jobs : 0;
  // 1,000 jobs/s at r ms each is r seconds of CPU per second: r * 100% of a core.
  c.redis_cpu_percent_per_1000_jobs_s = c.redis_cpu_ms_per_job * 100.0;
  c.jobs_per_s_per_worker = best_step->jobs_per_s / std::max(1, best_step->workers);
  c.jobs_per_s_per_core = best_step->jobs_per_s / std::max(1, machine_cores);
  return c;
}

std::vector<Extrapolation> extrapolate(const CostModel& costs, const CapacityGoal& goal,
                                       int worker_concurrency, const std::vector<double>& rates) {
  std::vector<Extrapolation> out;
  const double ceiling = goal.cpu_ceiling_percent / 100.0;  // cores per process
  // Processes of a role for `rate`: each carries what is left of the ceiling after its fixed
  // share, at the marginal cost per job.
  const auto processes = [&](double rate, double marginal_ms, double fixed_percent) {
    const double room = std::max(ceiling - fixed_percent / 100.0, 0.05 * ceiling);
    return std::max(1, static_cast<int>(std::ceil(rate * marginal_ms / 1000.0 / room)));
  };
  for (const double rate : rates) {
    Extrapolation e;
    e.target_jobs_per_s = rate;
    // Workers: enough CPU for the jobs, and enough slots for what is in flight (Little's law:
    // jobs in flight = rate x time each job holds a slot).
    const double in_flight = rate * costs.service_ms / 1000.0;
    e.workers =
        std::max(processes(rate, costs.worker_cpu_ms_per_job, costs.worker_fixed_cpu_percent),
                 static_cast<int>(std::ceil(in_flight / std::max(1, worker_concurrency))));
    e.servers = processes(rate, costs.server_cpu_ms_per_job, costs.server_fixed_cpu_percent);
    e.redis_instances = processes(rate, costs.redis_cpu_ms_per_job, costs.redis_fixed_cpu_percent);
    const double cpu =
        rate *
            (costs.server_cpu_ms_per_job + costs.worker_cpu_ms_per_job +
             costs.redis_cpu_ms_per_job) /
            1000.0 +
        (e.servers * costs.server_fixed_cpu_percent + e.workers * costs.worker_fixed_cpu_percent +
         e.redis_instances * costs.redis_fixed_cpu_percent) /
            100.0;
    e.cores = std::max(1, static_cast<int>(std::ceil(cpu / ceiling)));
    out.push_back(e);
  }
  return out;
}

std::vector<std::string> extrapolation_assumptions(const CostModel& costs, const CapacityGoal& goal,
                                                   int worker_concurrency) {
  return {
      format_printf(
          "CPU grows with the rate as fitted here (fixed share per process plus a marginal "
          "cost per job: server %.3f ms, worker %.3f ms, Redis %.3f ms), on cores like this "
          "machine's; a fit over a narrow range of rates extrapolates less surely.",
          costs.server_cpu_ms_per_job, costs.worker_cpu_ms_per_job, costs.redis_cpu_ms_per_job),
      format_printf(
          "Every process is kept at or under %.0f%% of one core (the CPU ceiling); Redis runs "
          "commands on one core, so a rate beyond one instance needs Redis Cluster shards.",
          goal.cpu_ceiling_percent),
      format_printf(
          "Workers also need slots for the jobs in flight: by Little's law, rate x %.1f ms "
          "(the lightest-load latency) jobs, %.0f per worker (--worker-concurrency).",
          costs.service_ms, worker_concurrency),
      "The job mix stays the same, jobs spread evenly over servers, workers and shards, and the "
      "network between machines adds latency but no CPU worth counting.",
  };
}

}  // namespace coqueue::loadtest
