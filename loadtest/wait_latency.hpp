#pragma once
// How long a waiting client takes to hear that its job ended: K clients each hold a
// GET /jobs/<id>?wait_ms= on a server; this process plays the worker (claims the jobs through
// the Redis broker) and completes them, and measures from the moment Redis confirmed each
// completion to the moment its client has the response. Once one completion at a time (the
// path of one notification), once all K at once (the fan-out of a burst).

#include <string>

#include "core/redis/config.hpp"
#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

struct WaitLatencyPlan {
  std::string server_url;  // http://127.0.0.1:port, on the same Redis
  redis::Config redis;
  int clients = 100;
  int rounds = 5;  // each round: `clients` jobs one at a time, then `clients` jobs at once
};

struct WaitLatencyResult {
  LatencySummary one_at_a_time_ms;
  LatencySummary burst_ms;
};

// Throws when a client's wait does not end with its job completed.
WaitLatencyResult measure_wait_latency(const WaitLatencyPlan& plan);

}  // namespace coqueue::loadtest
