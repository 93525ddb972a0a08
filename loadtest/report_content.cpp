#include "loadtest/report_content.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

constexpr std::array<std::string_view, 4> known_roles = {"server", "worker", "redis", "loadgen"};

std::string ints(const std::vector<int>& values) {
  std::vector<std::string> parts;
  for (const int v : values) parts.push_back(std::to_string(v));
  return join(parts, ", ");
}

const RoleUsage* find_role(const StepResult& step, const std::string& role) {
  for (const RoleUsage& r : step.roles) {
    if (r.role == role) return &r;
  }
  return nullptr;
}

// "closed", or "open 500/s".
std::string mode_text(const StepResult& s) {
  std::string mode = s.mode;
  if (s.mode != "closed" && s.target_rate > 0) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on " " + a short string.
    mode += ' ';
    mode += format_sig(s.target_rate);
    mode += "/s";
  }
  return mode;
}

}  // namespace

std::vector<std::string> report_roles(const Report& report) {
  std::vector<std::string> others;
  std::vector<bool> seen(known_roles.size(), false);
  for (const StepResult& step : report.steps) {
    for (const RoleUsage& r : step.roles) {
      const auto known = std::find(known_roles.begin(), known_roles.end(), r.role);
      if (known != known_roles.end()) {
        seen[static_cast<std::size_t>(known - known_roles.begin())] = true;
      } else if (std::find(others.begin(), others.end(), r.role) == others.end()) {
        others.push_back(r.role);
      }
    }
  }
  std::sort(others.begin(), others.end());
  std::vector<std::string> roles;
  for (std::size_t i = 0; i < known_roles.size(); ++i) {
    if (seen[i]) roles.emplace_back(known_roles[i]);
  }
  roles.insert(roles.end(), others.begin(), others.end());
  return roles;
}

std::string step_label(const StepResult& step) {
  std::string label = "K=" + std::to_string(step.clients) + " W=" + std::to_string(step.workers);
  if (step.mode != "closed") {
    label += ' ';
    label += mode_text(step);
  }
  if (step.validation) label += " (validation)";
  return label;
}

std::string machine_summary(const Machine& m) {
  std::vector<std::string> parts;
  parts.push_back(std::to_string(m.cores) + (m.cores == 1 ? " core" : " cores"));
  if (m.memory_gb > 0) parts.push_back(format_sig(m.memory_gb) + " GB memory");
  if (!m.cpu_model.empty()) parts.push_back(m.cpu_model);
  if (!m.kernel.empty()) parts.push_back("kernel " + m.kernel);
  return join(parts, ", ");
}

std::string plan_summary(const Plan& p) {
  std::vector<std::string> parts;
  if (!p.target.empty()) parts.push_back("target " + p.target);
  parts.push_back(std::to_string(p.servers) + (p.servers == 1 ? " server" : " servers"));
  parts.push_back("workers " + ints(p.workers));
  parts.push_back("clients " + ints(p.clients));
  parts.push_back(std::to_string(p.worker_concurrency) + " concurrent jobs per worker");
  parts.push_back(format_sig(p.duration_s) + " s per step after " + format_sig(p.warmup_s) +
                  " s of warm-up");
  if (!p.job_mix.empty()) parts.push_back("job mix " + p.job_mix);
  if (!p.wait.empty()) parts.push_back("waiting by " + p.wait);
  if (p.rate > 0) parts.push_back("open loop at " + format_sig(p.rate) + " jobs/s");
  if (p.p99_goal_ms > 0) parts.push_back("p99 goal " + format_sig(p.p99_goal_ms) + " ms");
  if (p.cpu_ceiling_percent > 0) {
    parts.push_back("CPU ceiling " + format_sig(p.cpu_ceiling_percent) + "% of a core per process");
  }
  return join(parts, "; ");
}

TextTable recommendations_table(const Report& report) {
  TextTable t{{"Clients", "Workers", "Meets goal", "p99 ms", "Jobs/s", "Busiest process", "CPU %",
               "Headroom", "Advice"},
              {}};
  for (const Recommendation& r : report.recommendations) {
    t.rows.push_back(
        {{std::to_string(r.clients) + (r.predicted ? " (predicted)" : ""),
          r.workers > 0 ? std::to_string(r.workers) : "none", r.meets_goal ? "yes" : "no",
          format_sig(r.p99_ms), format_sig(r.jobs_per_s), r.busiest_process,
          format_sig(r.busiest_cpu_percent, 2), format_fraction_percent(r.headroom), r.advice},
         !r.meets_goal});
  }
  return t;
}

TextTable validation_table(const Report& report) {
  TextTable t{{"Clients", "Workers", "Predicted jobs/s", "Measured jobs/s", "Jobs/s error",
               "Predicted p99 ms", "Measured p99 ms", "p99 error", "Model"},
              {}};
  for (const Recommendation& r : report.recommendations) {
    if (!r.validation) continue;
    const Validation& v = *r.validation;
    t.rows.push_back(
        {{std::to_string(v.clients), std::to_string(v.workers), format_sig(v.predicted_jobs_per_s),
          format_sig(v.measured_jobs_per_s), format_fraction_percent(v.jobs_per_s_error),
          format_sig(v.predicted_p99_ms), format_sig(v.measured_p99_ms),
          format_fraction_percent(v.p99_error), v.model_error ? "MODEL ERROR" : "ok"},
         v.model_error});
  }
  return t;
}

TextTable steps_table(const Report& report) {
  const std::vector<std::string> roles = report_roles(report);
  TextTable t{{"Mode", "Clients", "Workers", "Jobs/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
               "max ms", "Errors"},
              {}};
  for (const std::string& role : roles) t.header.push_back("CPU % " + role);
  for (const std::string& role : roles) t.header.push_back("RSS MB " + role);
  for (const StepResult& s : report.steps) {
    std::string mode = mode_text(s);
    if (s.validation) mode += " (validation)";
    const std::uint64_t errors = s.error_total();
    TableRow row{
        {mode, std::to_string(s.clients), std::to_string(s.workers), format_sig(s.jobs_per_s),
         format_sig(s.latency_ms.p50), format_sig(s.latency_ms.p90), format_sig(s.latency_ms.p99),
         format_sig(s.latency_ms.p999), format_sig(s.latency_ms.max), std::to_string(errors)},
        errors > 0};
    for (const std::string& role : roles) {
      const RoleUsage* r = find_role(s, role);
      std::string cell = r ? format_sig(r->cpu_percent_total, 2) : "";
      // The ceiling is per process, so a role of several processes shows its busiest too.
      if (r && r->processes > 1) cell += " (max " + format_sig(r->cpu_percent_max, 2) + ")";
      row.cells.push_back(cell);
    }
    for (const std::string& role : roles) {
      const RoleUsage* r = find_role(s, role);
      row.cells.push_back(r ? format_sig(r->rss_mb_total) : "");
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

TextTable costs_table(const CostModel& c) {
  return {
      {"Cost", "Value"},
      {{{"Server CPU per job (marginal)", format_sig(c.server_cpu_ms_per_job) + " ms"}},
       {{"Worker CPU per job (marginal)", format_sig(c.worker_cpu_ms_per_job) + " ms"}},
       {{"Redis CPU per job (marginal)", format_sig(c.redis_cpu_ms_per_job) + " ms"}},
       {{"Load generator CPU per job", format_sig(c.loadgen_cpu_ms_per_job) + " ms"}},
       {{"Server fixed CPU, per process",
         format_sig(c.server_fixed_cpu_percent, 2) + "% of a core"}},
       {{"Worker fixed CPU, per process",
         format_sig(c.worker_fixed_cpu_percent, 2) + "% of a core"}},
       {{"Redis fixed CPU", format_sig(c.redis_fixed_cpu_percent, 2) + "% of a core"}},
       {{"Redis CPU per 1000 jobs/s",
         format_sig(c.redis_cpu_percent_per_1000_jobs_s) + "% of a core"}},
       {{"Jobs/s per worker", format_sig(c.jobs_per_s_per_worker)}},
       {{"Jobs/s per core", format_sig(c.jobs_per_s_per_core)}},
       {{"Service time (mean latency at the lightest load)", format_sig(c.service_ms) + " ms"}}}};
}

TextTable extrapolation_table(const Report& report) {
  TextTable t{{"Target jobs/s", "Workers", "Servers", "Redis instances", "Cores"}, {}};
  for (const Extrapolation& e : report.extrapolations) {
    t.rows.push_back(
        {{format_sig(e.target_jobs_per_s), std::to_string(e.workers), std::to_string(e.servers),
          std::to_string(e.redis_instances), std::to_string(e.cores)}});
  }
  return t;
}

std::vector<std::string> model_error_warnings(const Report& report) {
  std::vector<std::string> out;
  for (const Recommendation& r : report.recommendations) {
    if (!r.validation || !r.validation->model_error) continue;
    const Validation& v = *r.validation;
    out.push_back("MODEL ERROR at K=" + std::to_string(v.clients) +
                  " W=" + std::to_string(v.workers) + ": the capacity model missed the re-run by " +
                  format_fraction_percent(v.jobs_per_s_error) + " in jobs/s and " +
                  format_fraction_percent(v.p99_error) +
                  " in p99 (more than 10%); read its predictions and extrapolation with care.");
  }
  return out;
}

std::vector<std::string> step_error_lines(const Report& report) {
  std::vector<std::string> out;
  for (const StepResult& s : report.steps) {
    if (s.error_total() == 0) continue;
    std::vector<std::string> kinds;
    for (const auto& [kind, n] : s.errors) {
      if (n > 0) kinds.push_back(kind + " " + std::to_string(n));
    }
    out.push_back(step_label(s) + ": " + join(kinds, ", "));
  }
  return out;
}

}  // namespace coqueue::loadtest
