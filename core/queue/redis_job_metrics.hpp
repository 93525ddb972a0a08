#pragma once
// How job metrics live in Redis: one hash per queue (keys::metrics), whose fields are counters
// that workers increase with HINCRBY / HINCRBYFLOAT, so deltas from any number of workers add up
// without a script and without reading first:
//   run|<type>|<outcome>|n      runs          run|<type>|<outcome>|s   seconds, summed
//   run|<type>|<outcome>|b<i>   runs in bucket i of run_duration_bounds() (not cumulative)
//   recovery|n, recovery|s, recovery|b<i>   the same for recovery times
// Types and outcomes cannot hold '|' (type names are A-Za-z0-9_.:-).

#include <string>

#include "core/queue/job_metrics.hpp"
#include "core/redis/request.hpp"
#include "core/redis/resp_value.hpp"

namespace coqueue {

// Appends to `request` the commands that add `delta` (one HINCRBY per non-zero field).
void push_job_metrics(redis::Request& request, const JobMetrics& delta);

// Adds the fields of one queue's hash, as HGETALL returned them, to `into`.
void read_job_metrics(const std::string& queue, const redis::RespValue& fields, JobMetrics& into);

}  // namespace coqueue
