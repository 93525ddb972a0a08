#include "loadtest/report_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>

#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "loadtest/report_format.hpp"

namespace coqueue::loadtest {
namespace {

namespace json = boost::json;

constexpr std::size_t line_width = 100;
// A record of plain values (a latency summary, a process) reads best whole on one line, even a
// little past the width.
constexpr std::size_t flat_line_width = 180;

json::value num(double v) {
  if (!std::isfinite(v)) return nullptr;  // JSON has no NaN or infinity
  return round_for_report(v);
}

// Parsers read a non-negative integer back as int64 whenever it fits, so write it that way.
json::value count(std::uint64_t v) {
  if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v);
  }
  return v;
}

json::object latency_json(const LatencySummary& l) {
  return {{"count", count(l.count)}, {"mean", num(l.mean)}, {"p50", num(l.p50)},
          {"p90", num(l.p90)},       {"p99", num(l.p99)},   {"p999", num(l.p999)},
          {"max", num(l.max)}};
}

// `cores`: the machine's, for the process's share of the whole machine.
json::object process_json(const ProcessUsage& p, int cores) {
  return {{"role", p.role},
          {"name", p.name},
          {"pid", p.pid},
          {"cpu_percent", num(p.cpu_percent)},
          {"cpu_percent_of_machine", num(cores > 0 ? p.cpu_percent / cores : 0.0)},
          {"cpu_seconds", num(p.cpu_seconds)},
          {"rss_mb", num(p.rss_mb)},
          {"rss_mb_start", num(p.rss_mb_start)},
          {"rss_mb_end", num(p.rss_mb_end)}};
}

json::object role_json(const RoleUsage& r) {
  return {{"role", r.role},
          {"processes", r.processes},
          {"cpu_percent_total", num(r.cpu_percent_total)},
          {"cpu_percent_max", num(r.cpu_percent_max)},
          {"rss_mb_total", num(r.rss_mb_total)},
          {"rss_mb_max", num(r.rss_mb_max)},
          {"cpu_ms_per_job", num(r.cpu_ms_per_job)}};
}

json::object step_json(const StepResult& s, int cores) {
  json::object errors;
  for (const auto& [kind, n] : s.errors) errors[kind] = count(n);
  json::array processes;
  for (const ProcessUsage& p : s.processes) processes.push_back(process_json(p, cores));
  json::array roles;
  json::object cpu_by_role;
  json::object rss_by_role;
  for (const RoleUsage& r : s.roles) {
    roles.push_back(role_json(r));
    cpu_by_role[r.role] = num(r.cpu_percent_total);
    rss_by_role[r.role] = num(r.rss_mb_total);
  }
  json::array depth;
  for (const DepthSample& d : s.queue_depth) {
    depth.push_back(
        json::object{{"at_s", num(d.at_s)}, {"pending", d.pending}, {"processing", d.processing}});
  }
  return {{"mode", s.mode},
          {"clients", s.clients},
          {"workers", s.workers},
          {"servers", s.servers},
          {"validation", s.validation},
          {"target_rate", num(s.target_rate)},
          {"seconds", num(s.seconds)},
          {"submitted", count(s.submitted)},
          {"completed", count(s.completed)},
          {"completed_total", count(s.completed_total)},
          {"server_completed", s.server_completed},
          {"unfinished", count(s.unfinished)},
          {"jobs_per_s", num(s.jobs_per_s)},
          {"submitted_per_s", num(s.submitted_per_s)},
          {"latency_ms", latency_json(s.latency_ms)},
          {"submit_latency_ms", latency_json(s.submit_latency_ms)},
          {"errors", std::move(errors)},
          {"cpu_percent", std::move(cpu_by_role)},
          {"rss_mb", std::move(rss_by_role)},
          {"machine_cpu_percent", num(s.machine_cpu_percent)},
          {"roles", std::move(roles)},
          {"processes", std::move(processes)},
          {"queue_depth", std::move(depth)}};
}

json::value validation_json(const std::optional<Validation>& v) {
  if (!v) return nullptr;
  return json::object{{"clients", v->clients},
                      {"workers", v->workers},
                      {"predicted_jobs_per_s", num(v->predicted_jobs_per_s)},
                      {"measured_jobs_per_s", num(v->measured_jobs_per_s)},
                      {"predicted_p99_ms", num(v->predicted_p99_ms)},
                      {"measured_p99_ms", num(v->measured_p99_ms)},
                      {"jobs_per_s_error", num(v->jobs_per_s_error)},
                      {"p99_error", num(v->p99_error)},
                      {"model_error", v->model_error}};
}

json::object recommendation_json(const Recommendation& r) {
  return {{"clients", r.clients},
          {"workers", r.workers},
          {"meets_goal", r.meets_goal},
          {"predicted", r.predicted},
          {"headroom", num(r.headroom)},
          {"jobs_per_s", num(r.jobs_per_s)},
          {"p99_ms", num(r.p99_ms)},
          {"busiest_cpu_percent", num(r.busiest_cpu_percent)},
          {"busiest_process", r.busiest_process},
          {"advice", r.advice},
          {"validation", validation_json(r.validation)}};
}

json::object costs_json(const CostModel& c) {
  return {{"server_cpu_ms_per_job", num(c.server_cpu_ms_per_job)},
          {"worker_cpu_ms_per_job", num(c.worker_cpu_ms_per_job)},
          {"redis_cpu_ms_per_job", num(c.redis_cpu_ms_per_job)},
          {"loadgen_cpu_ms_per_job", num(c.loadgen_cpu_ms_per_job)},
          {"server_fixed_cpu_percent", num(c.server_fixed_cpu_percent)},
          {"worker_fixed_cpu_percent", num(c.worker_fixed_cpu_percent)},
          {"redis_fixed_cpu_percent", num(c.redis_fixed_cpu_percent)},
          {"redis_cpu_percent_per_1000_jobs_s", num(c.redis_cpu_percent_per_1000_jobs_s)},
          {"jobs_per_s_per_worker", num(c.jobs_per_s_per_worker)},
          {"jobs_per_s_per_core", num(c.jobs_per_s_per_core)},
          {"service_ms", num(c.service_ms)}};
}

json::object extrapolation_json(const Extrapolation& e) {
  return {{"target_jobs_per_s", num(e.target_jobs_per_s)},
          {"workers", e.workers},
          {"servers", e.servers},
          {"redis_instances", e.redis_instances},
          {"cores", e.cores}};
}

json::object machine_json(const Machine& m) {
  return {{"cores", m.cores},
          {"memory_gb", num(m.memory_gb)},
          {"cpu_model", m.cpu_model},
          {"kernel", m.kernel}};
}

json::object plan_json(const Plan& p) {
  return {{"target", p.target},
          {"servers", p.servers},
          {"workers", json::value_from(p.workers)},
          {"clients", json::value_from(p.clients)},
          {"worker_concurrency", p.worker_concurrency},
          {"duration_s", num(p.duration_s)},
          {"warmup_s", num(p.warmup_s)},
          {"job_mix", p.job_mix},
          {"wait", p.wait},
          {"rate", num(p.rate)},
          {"p99_goal_ms", num(p.p99_goal_ms)},
          {"cpu_ceiling_percent", num(p.cpu_ceiling_percent)}};
}

template <class T, class F>
json::array array_of(const std::vector<T>& items, F to_json) {
  json::array out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(to_json(item));
  return out;
}

// Boost.JSON writes 12.5 as 1.25E1; a person reads the plain form better.
void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  out += buf;
  // Keeps a measurement a JSON double when it happens to be whole.
  if (std::string_view(buf).find_first_of(".e") == std::string_view::npos) out += ".0";
}

void append_compact(std::string& out, const json::value& v) {
  if (const auto* o = v.if_object()) {
    out += '{';
    bool first = true;
    for (const auto& kv : *o) {
      if (!first) out += ", ";
      first = false;
      out += json::serialize(json::value(kv.key()));
      out += ": ";
      append_compact(out, kv.value());
    }
    out += '}';
  } else if (const auto* a = v.if_array()) {
    out += '[';
    for (std::size_t i = 0; i < a->size(); ++i) {
      if (i > 0) out += ", ";
      append_compact(out, (*a)[i]);
    }
    out += ']';
  } else if (const auto* d = v.if_double()) {
    append_double(out, *d);
  } else {
    out += json::serialize(v);
  }
}

bool is_scalar(const json::value& v) {
  return !v.is_object() && !v.is_array();
}

bool is_flat(const json::value& v) {
  if (const auto* o = v.if_object()) {
    return std::all_of(o->begin(), o->end(), [](const auto& kv) { return is_scalar(kv.value()); });
  }
  if (const auto* a = v.if_array()) return std::all_of(a->begin(), a->end(), is_scalar);
  return true;
}

// `column` is where the value starts on its line: a container that fits in what is left of the
// line stays on it, otherwise its members go one per line.
void append_pretty(std::string& out, const json::value& v, std::size_t indent, std::size_t column) {
  std::string one_line;
  append_compact(one_line, v);
  const bool container = v.is_object() || v.is_array();
  const std::size_t width = is_flat(v) ? flat_line_width : line_width;
  if (!container || column + one_line.size() <= width) {
    out += one_line;
    return;
  }
  const std::string inner(indent + 2, ' ');
  if (const auto* o = v.if_object()) {
    out += "{\n";
    std::size_t i = 0;
    for (const auto& kv : *o) {
      const std::string key = json::serialize(json::value(kv.key())) + ": ";
      out += inner + key;
      append_pretty(out, kv.value(), indent + 2, inner.size() + key.size());
      out += ++i < o->size() ? ",\n" : "\n";
    }
    out += std::string(indent, ' ') + '}';
  } else {
    const json::array& a = v.get_array();
    out += "[\n";
    for (std::size_t i = 0; i < a.size(); ++i) {
      out += inner;
      append_pretty(out, a[i], indent + 2, inner.size());
      out += i + 1 < a.size() ? ",\n" : "\n";
    }
    out += std::string(indent, ' ') + ']';
  }
}

}  // namespace

boost::json::value report_to_json(const Report& report) {
  return json::object{{"schema_version", report.schema_version},
                      {"started_at", report.started_at},
                      {"total_seconds", num(report.total_seconds)},
                      {"machine", machine_json(report.machine)},
                      {"plan", plan_json(report.plan)},
                      {"steps", array_of(report.steps,
                                         [&](const StepResult& step) {
                                           return step_json(step, report.machine.cores);
                                         })},
                      {"costs", costs_json(report.costs)},
                      {"recommendations", array_of(report.recommendations, recommendation_json)},
                      {"extrapolations", array_of(report.extrapolations, extrapolation_json)},
                      {"assumptions", json::value_from(report.assumptions)},
                      {"notes", json::value_from(report.notes)}};
}

std::string report_json_text(const Report& report) {
  std::string out;
  append_pretty(out, report_to_json(report), 0, 0);
  out += '\n';
  return out;
}

}  // namespace coqueue::loadtest
