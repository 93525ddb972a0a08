#pragma once
// The figures a server keeps in its own memory for GET /metrics: the requests it answered and
// its Redis client's counters. With --threads each thread keeps its own, summed at a scrape.

#include <optional>

#include "core/redis/metrics.hpp"
#include "server/http_metrics.hpp"

namespace coqueue::server {

struct MetricsSnapshot {
  HttpMetrics http;
  std::optional<redis::Metrics> redis;  // none in the embedded mode

  void add(const MetricsSnapshot& other) {
    http.add(other.http);
    if (other.redis) {
      if (!redis) redis.emplace();
      *redis += *other.redis;
    }
  }
};

}  // namespace coqueue::server
