#include "server/http_metrics.hpp"

namespace coqueue::server {
namespace {

// From half a millisecond to the longest wait (GET /jobs/<id>?wait_ms= is held up to 30 s).
const std::vector<double> duration_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,   0.5,   1,      2.5,   5,    10,    30};

}  // namespace

void HttpMetrics::observe(std::string_view route, unsigned status, double seconds) {
  ++requests_[{std::string(route), status}];
  auto it = durations_.find(route);
  if (it == durations_.end()) it = durations_.emplace(std::string(route), duration_bounds).first;
  it->second.observe(seconds);
}

void HttpMetrics::add(const HttpMetrics& other) {
  for (const auto& [key, n] : other.requests_) requests_[key] += n;
  for (const auto& [route, h] : other.durations_) {
    auto it = durations_.find(route);
    if (it == durations_.end()) it = durations_.emplace(route, duration_bounds).first;
    it->second.add(h);
  }
}

void HttpMetrics::write(PrometheusText& out) const {
  out.family("coqueue_http_requests_total", "counter",
             "HTTP requests answered by this server, by route and status code.");
  for (const auto& [key, n] : requests_) {
    out.sample("coqueue_http_requests_total",
               {{"route", key.first}, {"code", std::to_string(key.second)}},
               static_cast<double>(n));
  }
  out.family("coqueue_http_request_duration_seconds", "histogram",
             "Time from a request read to its response ready, by route (waits included).");
  for (const auto& [route, h] : durations_) {
    std::vector<std::uint64_t> buckets;  // back from cumulative to per bucket
    std::uint64_t previous = 0;
    for (const std::uint64_t c : h.cumulative()) {
      buckets.push_back(c - previous);
      previous = c;
    }
    out.histogram("coqueue_http_request_duration_seconds", {{"route", route}}, h.bounds(), buckets,
                  h.sum(), h.count());
  }
}

}  // namespace coqueue::server
