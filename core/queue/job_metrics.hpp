#pragma once
// Counts and durations of finished runs by queue, job type and outcome, and the recovery times
// of lost runs by queue: measured by the workers, added up in the backend (so every server shows
// the totals of all workers), and shown by GET /metrics. Histograms keep per-bucket counts with
// fixed bounds, so deltas from many workers add up exactly.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace coqueue {

// Upper bounds, in seconds, of the run-duration and recovery-time buckets (one more bucket
// takes the rest).
const std::vector<double>& run_duration_bounds();
const std::vector<double>& recovery_time_bounds();
const std::vector<double>& latency_bounds();

struct TimingStats {
  std::uint64_t count = 0;
  double sum_seconds = 0;
  std::vector<std::uint64_t> buckets;  // bounds + 1, not cumulative; empty until observed

  void observe(double seconds, const std::vector<double>& bounds);
  void add(const TimingStats& other);
};

struct RunKey {
  std::string queue;
  std::string type;
  std::string outcome;  // completed, failed, retry, cancelled, handed_back
  auto operator<=>(const RunKey&) const = default;
};

struct JobMetrics {
  std::map<RunKey, TimingStats> runs;
  std::map<std::string, TimingStats> recoveries;  // by queue
  // By queue: from a job's submission to the end of its completed run (the latency a client
  // that waits for the result sees, retries and queueing included).
  std::map<std::string, TimingStats> latencies;

  void add_run(const RunKey& key, double seconds);
  void add_recovery(const std::string& queue, double seconds);
  void add_latency(const std::string& queue, double seconds);
  void add(const JobMetrics& other);
  bool empty() const { return runs.empty() && recoveries.empty() && latencies.empty(); }
};

}  // namespace coqueue
