#include "core/queue/job_metrics.hpp"

#include <algorithm>

namespace coqueue {

const std::vector<double>& run_duration_bounds() {
  static const std::vector<double> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                          0.5,   1,      2.5,   5,    10,    30,   60,  300};
  return bounds;
}

const std::vector<double>& recovery_time_bounds() {
  static const std::vector<double> bounds{0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120};
  return bounds;
}

const std::vector<double>& latency_bounds() {
  static const std::vector<double> bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                          1,     2.5,    5,     10,   30,    60,   300, 1800};
  return bounds;
}

void TimingStats::observe(double seconds, const std::vector<double>& bounds) {
  if (buckets.empty()) buckets.assign(bounds.size() + 1, 0);
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  ++buckets[static_cast<std::size_t>(at)];
  ++count;
  sum_seconds += seconds;
}

void TimingStats::add(const TimingStats& other) {
  if (buckets.size() < other.buckets.size()) buckets.resize(other.buckets.size(), 0);
  for (std::size_t i = 0; i < other.buckets.size(); ++i) buckets[i] += other.buckets[i];
  count += other.count;
  sum_seconds += other.sum_seconds;
}

void JobMetrics::add_run(const RunKey& key, double seconds) {
  runs[key].observe(seconds, run_duration_bounds());
}

void JobMetrics::add_recovery(const std::string& queue, double seconds) {
  recoveries[queue].observe(seconds, recovery_time_bounds());
}

void JobMetrics::add_latency(const std::string& queue, double seconds) {
  latencies[queue].observe(seconds, latency_bounds());
}

void JobMetrics::add(const JobMetrics& other) {
  for (const auto& [key, stats] : other.runs) runs[key].add(stats);
  for (const auto& [queue, stats] : other.recoveries) recoveries[queue].add(stats);
  for (const auto& [queue, stats] : other.latencies) latencies[queue].add(stats);
}

}  // namespace coqueue
