#include "core/queue/redis_job_metrics.hpp"

#include <charconv>
#include <map>

#include "core/queue/redis_keys.hpp"

namespace coqueue {
namespace {

void push_timing(redis::Request& request, const std::string& key, const std::string& prefix,
                 const TimingStats& stats) {
  if (stats.count == 0) return;
  request.push("HINCRBY", key, prefix + "n", stats.count);
  request.push("HINCRBYFLOAT", key, prefix + "s", stats.sum_seconds);
  for (std::size_t i = 0; i < stats.buckets.size(); ++i) {
    if (stats.buckets[i] != 0) {
      request.push("HINCRBY", key, prefix + "b" + std::to_string(i), stats.buckets[i]);
    }
  }
}

// Sets one field of `stats` from its name's last part ("n", "s" or "b<i>").
void read_field(std::string_view part, const std::string& value, TimingStats& stats,
                std::size_t bucket_count) {
  if (part == "n") {
    stats.count = std::stoull(value);
  } else if (part == "s") {
    stats.sum_seconds = std::stod(value);
  } else if (part.starts_with("b")) {
    std::size_t i = 0;
    const auto [end, ec] = std::from_chars(part.data() + 1, part.data() + part.size(), i);
    if (ec != std::errc() || i >= bucket_count) return;  // a bound this build does not know
    if (stats.buckets.size() < bucket_count) stats.buckets.resize(bucket_count, 0);
    stats.buckets[i] = std::stoull(value);
  }
}

}  // namespace

void push_job_metrics(redis::Request& request, const JobMetrics& delta) {
  for (const auto& [key, stats] : delta.runs) {
    push_timing(request, keys::metrics(key.queue), "run|" + key.type + "|" + key.outcome + "|",
                stats);
  }
  for (const auto& [queue, stats] : delta.recoveries) {
    push_timing(request, keys::metrics(queue), "recovery|", stats);
  }
  for (const auto& [queue, stats] : delta.latencies) {
    push_timing(request, keys::metrics(queue), "latency|", stats);
  }
}

void read_job_metrics(const std::string& queue, const redis::RespValue& fields, JobMetrics& into) {
  JobMetrics read;
  const auto& e = fields.elements;
  for (std::size_t j = 0; j + 1 < e.size(); j += 2) {
    const std::string_view name = e[j].text;
    const std::string& value = e[j + 1].text;
    if (name.starts_with("latency|")) {
      read_field(name.substr(8), value, read.latencies[queue], latency_bounds().size() + 1);
    } else if (name.starts_with("recovery|")) {
      read_field(name.substr(9), value, read.recoveries[queue], recovery_time_bounds().size() + 1);
    } else if (name.starts_with("run|")) {
      const auto type_end = name.find('|', 4);
      const auto outcome_end = name.find('|', type_end + 1);
      if (type_end == std::string_view::npos || outcome_end == std::string_view::npos) continue;
      RunKey key{queue, std::string(name.substr(4, type_end - 4)),
                 std::string(name.substr(type_end + 1, outcome_end - type_end - 1))};
      read_field(name.substr(outcome_end + 1), value, read.runs[key],
                 run_duration_bounds().size() + 1);
    }
  }
  into.add(read);
}

}  // namespace coqueue
