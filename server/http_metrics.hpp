#pragma once
// Requests this server answered, by route and status code, and how long each took, by route:
// kept in memory (one process, one thread) and written by GET /metrics.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/support/histogram.hpp"
#include "server/prometheus_text.hpp"

namespace coqueue::server {

class HttpMetrics {
 public:
  // `route`: route_name() of the matched route, or "unmatched".
  void observe(std::string_view route, unsigned status, double seconds);
  void write(PrometheusText& out) const;
  // Adds another thread's figures (--threads: each thread counts its own requests).
  void add(const HttpMetrics& other);

 private:
  std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> durations_;
};

}  // namespace coqueue::server
