#pragma once
// How many jobs each queue holds in each status.

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <boost/json/object.hpp>

#include "core/job/job_status.hpp"

namespace coqueue {

struct StatusCounts {
  std::array<std::int64_t, all_job_statuses.size()> by_status{};

  std::int64_t& operator[](JobStatus s) { return by_status[static_cast<std::size_t>(s)]; }
  std::int64_t operator[](JobStatus s) const { return by_status[static_cast<std::size_t>(s)]; }
  StatusCounts& operator+=(const StatusCounts& other);
};

// Jobs that ended in a recent window, from two readings of the counts (server/queue_rates).
struct RecentEnds {
  std::int64_t completed = 0;
  std::int64_t failed = 0;
};

struct QueueStats {
  std::map<std::string, StatusCounts> queues;
  std::set<std::string> paused;  // queues whose jobs no worker takes until resumed
  // Per queue: how long the next job due has waited since it was submitted (absent: none).
  std::map<std::string, std::int64_t> oldest_queued_age_ms;
  // Per queue: dead letters held now (failed jobs not yet retried, requeued or purged).
  std::map<std::string, std::int64_t> dead;
  StatusCounts totals() const;
};

// {"queues": {"<name>": {"queued": n, ..., "dead": n, "oldest_queued_age_ms": n|null}},
// "totals": {...},
// "paused": ["<name>", ...]}; with `recent` (and its window), also "completed_last_minute" and
// "failed_last_minute" per queue and in the totals, and "recent_window_s" (whole seconds).
boost::json::object to_json(const QueueStats& stats,
                            const std::map<std::string, RecentEnds>* recent = nullptr,
                            double recent_window_s = 0);

}  // namespace coqueue
