#include "loadtest/capacity_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/support/time.hpp"
#include "loadtest/deployment.hpp"
#include "loadtest/interruption.hpp"
#include "loadtest/machine_info.hpp"
#include "loadtest/progress_bar.hpp"
#include "loadtest/report_format.hpp"
#include "loadtest/report_html.hpp"
#include "loadtest/report_json.hpp"
#include "loadtest/report_markdown.hpp"
#include "loadtest/step_driver.hpp"

namespace coqueue::loadtest {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string folder_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
  return buf;
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// The workers a deployment given by URL has on this machine, from GET /workers, for sampling.
struct ObservedWorkers {
  int count = 0;
  std::vector<ProcessRef> local;
};

ObservedWorkers observe_workers(const Target& target) {
  ObservedWorkers seen;
  asio::io_context io(1);
  std::optional<boost::json::value> answer;
  JobClient client(io.get_executor(), target, WaitMode{}, std::chrono::seconds(5));
  asio::co_spawn(
      io,
      [](JobClient& c) -> awaitable<std::optional<boost::json::value>> {
        const std::string path = "/workers";
        co_return co_await c.get_json(path);
      }(client),
      [&](std::exception_ptr, std::optional<boost::json::value> v) { answer = std::move(v); });
  io.run();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto* o = answer && answer->is_object() ? &answer->as_object() : nullptr;
  const auto* list = o ? o->if_contains("workers") : nullptr;
  if (list == nullptr || !list->is_array()) return seen;
  for (const auto& w : list->as_array()) {
    ++seen.count;
    const auto* wo = w.if_object();
    if (wo == nullptr) continue;
    const auto* h = wo->if_contains("host");
    const auto* pid = wo->if_contains("pid");
    if (h && h->is_string() && h->as_string() == host && pid && pid->is_int64()) {
      seen.local.push_back({.role = "worker",
                            .name = "worker-" + std::to_string(seen.local.size() + 1),
                            .pid = static_cast<pid_t>(pid->as_int64())});
    }
  }
  return seen;
}

class Runner {
 public:
  explicit Runner(const CapacityPlan& plan) : plan_(plan) {}

  CapacityOutcome run() {
    const auto began = Clock::now();
    report_.started_at = format_rfc3339(std::chrono::system_clock::now());
    report_.machine = read_machine();
    fill_plan();
    CapacityOutcome outcome;
    outcome.report_dir = (fs::path(plan_.out_dir) / folder_timestamp()).string();
    fs::create_directories(outcome.report_dir);

    if (plan_.spawn) {
      DeploymentPlan d;
      d.server_bin = plan_.server_bin;
      d.worker_bin = plan_.worker_bin;
      d.redis_url = plan_.redis_url;
      d.servers = plan_.servers;
      d.worker_concurrency = plan_.worker_concurrency;
      d.worker_args = plan_.worker_args;
      d.log_dir = outcome.report_dir + "/logs";
      deployment_ = std::make_unique<Deployment>(d);
      for (const std::string& url : deployment_->server_urls()) targets_.push_back(parse(url));
    } else {
      targets_.push_back(parse(plan_.target_url));
    }

    const int worker_counts = plan_.spawn ? static_cast<int>(plan_.workers.size()) : 1;
    const int per_count = static_cast<int>(plan_.clients.size()) + (plan_.rate > 0 ? 1 : 0);
    progress_ = std::make_unique<ProgressBar>(plan_.progress,
                                              worker_counts * per_count + (plan_.validate ? 1 : 0));
    deadline_ = began + plan_.max_total;

    for (int wi = 0; wi < worker_counts; ++wi) {
      const int workers = plan_.spawn ? plan_.workers[static_cast<std::size_t>(wi)] : 0;
      if (plan_.spawn) deployment_->set_workers(workers);
      for (const int k : plan_.clients) measure(false, k, workers, false);
      if (plan_.rate > 0) measure(true, plan_.open_connections, workers, false);
    }

    report_.costs = fit_costs(report_.steps, report_.machine.cores);
    report_.recommendations =
        recommend(report_.steps, plan_.clients, plan_.goal, report_.machine.cores);
    if (interrupted()) {
      report_.notes.push_back(
          "The run was interrupted: the last step measured was cut short, later ones and the "
          "model's re-run did not run.");
    } else if (plan_.validate) {
      validate();
    }
    const double best = report_.costs.jobs_per_s_per_core * report_.machine.cores;
    std::vector<double> rates{1'000, 10'000, 100'000};
    if (best > 0) rates.insert(rates.begin(), std::round(best * 2));
    std::sort(rates.begin(), rates.end());
    rates.erase(std::unique(rates.begin(), rates.end()), rates.end());
    report_.extrapolations =
        extrapolate(report_.costs, plan_.goal, plan_.worker_concurrency, rates);
    report_.assumptions =
        extrapolation_assumptions(report_.costs, plan_.goal, plan_.worker_concurrency);
    if (!plan_.spawn) {
      report_.notes.push_back(
          "The deployment was given by URL: only the load generator and the workers that "
          "/workers lists on this host were sampled; servers and Redis were not.");
    }
    if (deployment_) deployment_->stop();

    report_.total_seconds = std::chrono::duration<double>(Clock::now() - began).count();
    outcome.report = report_;
    const fs::path dir(outcome.report_dir);
    write_file(dir / "report.json", report_json_text(report_));
    write_file(dir / "report.md", report_markdown(report_));
    write_file(dir / "report.html", report_html(report_));
    return outcome;
  }

 private:
  static Target parse(const std::string& url) {
    auto t = Target::parse(url);
    if (auto* problem = std::get_if<std::string>(&t)) throw std::runtime_error(*problem);
    return std::get<Target>(t);
  }

  void fill_plan() {
    Plan& p = report_.plan;
    p.target = plan_.spawn ? "spawn" : plan_.target_url;
    p.servers = plan_.spawn ? plan_.servers : 1;
    p.workers = plan_.spawn ? plan_.workers : std::vector<int>{};
    p.clients = plan_.clients;
    p.worker_concurrency = plan_.worker_concurrency;
    p.duration_s = std::chrono::duration<double>(plan_.duration).count();
    p.warmup_s = std::chrono::duration<double>(plan_.warmup).count();
    p.job_mix = plan_.mix.spec();
    p.wait = plan_.wait.describe();
    p.rate = plan_.rate;
    p.p99_goal_ms = plan_.goal.p99_ms;
    p.cpu_ceiling_percent = plan_.goal.cpu_ceiling_percent;
  }

  // Runs one step and adds it to the report; nothing when the time budget is spent.
  const StepResult* measure(bool open_loop, int clients, int workers, bool validation) {
    StepPlan step;
    step.open_loop = open_loop;
    step.clients = clients;
    step.rate = open_loop ? plan_.rate : 0;
    ++step_index_;
    const std::string label = (step.open_loop ? format_printf("open %.0f/s", step.rate)
                                              : format_printf("K=%.0f", step.clients)) +
                              (plan_.spawn ? format_printf(" W=%.0f", workers) : std::string()) +
                              (validation ? " (check)" : "");
    progress_->start_step(step_index_, label);
    if (interrupted()) {
      progress_->finish_step("skipped: interrupted");
      return nullptr;
    }
    if (Clock::now() + plan_.warmup + plan_.duration > deadline_) {
      progress_->finish_step("skipped: --max-time reached");
      report_.notes.push_back("Step " + label + " was skipped: the run reached --max-time.");
      return nullptr;
    }
    step.warmup = plan_.warmup;
    step.duration = plan_.duration;
    step.servers = targets_;
    step.mix = plan_.mix;
    step.wait = plan_.wait;
    if (deployment_) {
      step.processes = deployment_->processes();
    } else {
      const ObservedWorkers seen = observe_workers(targets_.front());
      workers = seen.count;
      step.processes = seen.local;
    }
    step.on_progress = [this](double f) { progress_->update(f); };
    StepResult r = run_step(step);
    r.workers = workers;
    r.servers = static_cast<int>(targets_.size());
    r.validation = validation;
    summarize_roles(r);
    if (deployment_ && !interrupted()) {
      if (const std::string dead = deployment_->casualty(); !dead.empty()) {
        progress_->finish_step("failed");
        throw std::runtime_error("a process of the deployment died during " + label + ": " + dead);
      }
    }
    const std::uint64_t errors = r.error_total();
    progress_->finish_step(
        format_printf("%.0f jobs/s  p99 %.1f ms", r.jobs_per_s, r.latency_ms.p99) +
        (errors > 0 ? "  errors " + std::to_string(errors) : std::string()));
    report_.steps.push_back(std::move(r));
    return &report_.steps.back();
  }

  // Checks the model on a client count the sweep did not measure: the model recommends a worker
  // count for it and predicts throughput and p99, then that configuration is run and measured.
  // When the sweep has no such count (one client count, or the largest missed the goal), the
  // largest recommendation that met the goal is re-run instead.
  void validate() {
    std::optional<Recommendation> chosen =
        recommend_between(report_.steps, report_.recommendations, plan_.goal);
    if (!chosen) {
      for (const Recommendation& rec : report_.recommendations) {
        if (rec.meets_goal && (!chosen || rec.clients > chosen->clients)) chosen = rec;
      }
    }
    if (!chosen) {
      report_.notes.push_back("No recommendation met the goal, so there was none to re-run.");
      return;
    }
    const int clients = chosen->clients;
    const int workers = chosen->workers;
    const auto predicted = predict(report_.steps, clients, workers);
    if (!predicted) return;
    if (plan_.spawn) deployment_->set_workers(workers);
    const StepResult* measured = measure(false, clients, workers, true);
    if (measured == nullptr) return;
    const Validation v = compare(*predicted, *measured);
    if (chosen->predicted) {
      chosen->validation = v;
      report_.recommendations.push_back(*chosen);
      std::sort(
          report_.recommendations.begin(), report_.recommendations.end(),
          [](const Recommendation& a, const Recommendation& b) { return a.clients < b.clients; });
    } else {
      for (Recommendation& rec : report_.recommendations) {
        if (rec.clients == clients) rec.validation = v;
      }
    }
    if (v.model_error) {
      report_.notes.push_back(format_printf(
          "Model error: the re-run of K=%.0f differs from the prediction by %.0f%% in jobs/s "
          "and %.0f%% in p99 (over 10%%).",
          clients, v.jobs_per_s_error * 100, v.p99_error * 100));
    }
  }

  const CapacityPlan& plan_;
  Report report_;
  std::unique_ptr<Deployment> deployment_;
  std::vector<Target> targets_;
  std::unique_ptr<ProgressBar> progress_;
  Clock::time_point deadline_;
  int step_index_ = 0;
};

}  // namespace

CapacityOutcome run_capacity(const CapacityPlan& plan) {
  return Runner(plan).run();
}

std::string summary_table(const Report& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-6s %7s %7s %10s %9s %9s %9s %8s  %s\n", "mode", "clients",
                "workers", "jobs/s", "p50 ms", "p99 ms", "max ms", "errors", "busiest process");
  out += line;
  for (const StepResult& s : report.steps) {
    const ProcessUsage* busiest = busiest_process(s);
    const std::string busy =
        busiest ? busiest->name + format_printf(" %.0f%%", busiest->cpu_percent) : std::string("-");
    std::snprintf(line, sizeof line, "%-6s %7d %7d %10.0f %9.1f %9.1f %9.1f %8llu  %s%s\n",
                  s.mode.c_str(), s.clients, s.workers, s.jobs_per_s, s.latency_ms.p50,
                  s.latency_ms.p99, s.latency_ms.max,
                  static_cast<unsigned long long>(s.error_total()), busy.c_str(),
                  s.validation ? "  (re-run)" : "");
    out += line;
  }
  out += format_printf("\nRecommendations (p99 <= %.0f ms, every process <= %.0f%% of a core):\n",
                       report.plan.p99_goal_ms, report.plan.cpu_ceiling_percent);
  for (const Recommendation& r : report.recommendations) {
    if (r.meets_goal) {
      std::snprintf(line, sizeof line,
                    "  %4d clients: %d worker%s  (p99 %.1f ms, %.0f jobs/s, headroom %.0f%%)%s\n",
                    r.clients, r.workers, r.workers == 1 ? "" : "s", r.p99_ms, r.jobs_per_s,
                    r.headroom * 100, r.predicted ? "  predicted by the model" : "");
      out += line;
    } else {
      out += "  " + std::to_string(r.clients) + " clients: no worker count met the goal. " +
             r.advice + "\n";
    }
    if (r.validation) {
      std::snprintf(line, sizeof line,
                    "                re-run: %.0f jobs/s (predicted %.0f), p99 %.1f ms "
                    "(predicted %.1f)%s\n",
                    r.validation->measured_jobs_per_s, r.validation->predicted_jobs_per_s,
                    r.validation->measured_p99_ms, r.validation->predicted_p99_ms,
                    r.validation->model_error ? "  MODEL ERROR > 10%" : "");
      out += line;
    }
  }
  return out;
}

}  // namespace coqueue::loadtest
