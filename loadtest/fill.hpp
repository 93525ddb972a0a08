#pragma once
// Fills a queue in Redis with jobs, straight through the broker (no HTTP), in batches: the
// starting point of a drain run, and a measure of batched enqueue.

#include <cstdint>
#include <string>

#include "core/redis/config.hpp"

namespace coqueue::loadtest {

struct FillPlan {
  redis::Config redis;
  std::string queue = "default";
  std::string body = R"({"type":"echo","payload":{}})";  // the job, as POST /jobs takes it
  std::int64_t jobs = 0;
  std::int64_t batch = 1000;   // jobs per enqueue_many call
  std::int64_t in_flight = 4;  // batches sent at once
};

struct FillResult {
  std::int64_t enqueued = 0;
  double seconds = 0;
};

// Throws on a Redis error or a refused job.
FillResult fill_queue(const FillPlan& plan);

}  // namespace coqueue::loadtest
