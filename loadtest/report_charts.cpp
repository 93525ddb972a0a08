#include "loadtest/report_charts.hpp"

#include <map>

#include "loadtest/report_content.hpp"
#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

// Roles keep one colour in every chart of the report.
std::string role_color(const std::string& role) {
  if (role == "server") return "#0072B2";
  if (role == "worker") return "#E69F00";
  if (role == "redis") return "#D55E00";
  if (role == "loadgen") return "#777777";
  return "";
}

bool in_sweep(const StepResult& s) {
  return s.mode == "closed" && !s.validation;
}

std::string workers_label(int workers) {
  return std::to_string(workers) + (workers == 1 ? " worker" : " workers");
}

// One series per worker count, in increasing order, with `value` of each sweep step.
template <class F>
std::vector<ChartSeries> by_worker_count(const Report& report, F value) {
  std::map<int, ChartSeries> series;
  for (const StepResult& s : report.steps) {
    if (!in_sweep(s)) continue;
    ChartSeries& line = series[s.workers];
    line.label = workers_label(s.workers);
    line.points.push_back({static_cast<double>(s.clients), value(s)});
  }
  std::vector<ChartSeries> out;
  for (auto& [workers, line] : series) out.push_back(std::move(line));
  return out;
}

}  // namespace

LineChart throughput_chart(const Report& report) {
  LineChart c;
  c.title = "Throughput";
  c.x_label = "clients (K)";
  c.y_label = "jobs/s";
  c.series = by_worker_count(report, [](const StepResult& s) { return s.jobs_per_s; });
  return c;
}

LineChart p99_chart(const Report& report) {
  LineChart c;
  c.title = "p99 latency";
  c.x_label = "clients (K)";
  c.y_label = "p99 ms";
  c.series = by_worker_count(report, [](const StepResult& s) { return s.latency_ms.p99; });
  if (report.plan.p99_goal_ms > 0) {
    c.references.push_back(
        {report.plan.p99_goal_ms, "p99 goal " + format_sig(report.plan.p99_goal_ms) + " ms"});
  }
  return c;
}

std::vector<const StepResult*> heaviest_steps(const Report& report) {
  std::map<int, const StepResult*> heaviest;
  for (const StepResult& s : report.steps) {
    if (!in_sweep(s)) continue;
    const StepResult*& h = heaviest[s.workers];
    if (h == nullptr || s.clients > h->clients) h = &s;
  }
  std::vector<const StepResult*> out;
  for (const auto& [workers, step] : heaviest) out.push_back(step);
  return out;
}

BarChart cpu_chart(const Report& report) {
  BarChart c;
  c.title = "CPU of the busiest process per role";
  c.x_label = "workers (W), at the most clients run";
  c.y_label = "% of one core";
  const std::vector<const StepResult*> steps = heaviest_steps(report);
  for (const StepResult* s : steps) c.categories.push_back(std::to_string(s->workers));
  for (const std::string& role : report_roles(report)) {
    BarSeries series{role, role_color(role), {}};
    for (const StepResult* s : steps) {
      std::optional<double> value;
      for (const RoleUsage& r : s->roles) {
        if (r.role == role) value = r.cpu_percent_max;
      }
      series.values.push_back(value);
    }
    c.series.push_back(std::move(series));
  }
  if (report.plan.cpu_ceiling_percent > 0) {
    c.references.push_back({report.plan.cpu_ceiling_percent,
                            "ceiling " + format_sig(report.plan.cpu_ceiling_percent) + "%"});
  }
  return c;
}

std::vector<LineChart> queue_depth_panels(const Report& report) {
  std::vector<LineChart> panels;
  for (const StepResult& s : report.steps) {
    LineChart p;
    p.title = step_label(s);
    p.x_label = "seconds";
    p.y_label = "pending";
    p.markers = false;
    p.legend = false;
    p.width = 290;
    p.height = 190;
    ChartSeries line{"pending", "#0072B2", {}};
    for (const DepthSample& d : s.queue_depth) {
      line.points.push_back({d.at_s, static_cast<double>(d.pending)});
    }
    p.series.push_back(std::move(line));
    panels.push_back(std::move(p));
  }
  return panels;
}

}  // namespace coqueue::loadtest
