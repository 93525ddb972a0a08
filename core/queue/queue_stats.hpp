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

struct QueueStats {
  std::map<std::string, StatusCounts> queues;
  std::set<std::string> paused;  // queues whose jobs no worker takes until resumed
  StatusCounts totals() const;
};

// {"queues": {"<name>": {"queued": n, ...}}, "totals": {...}, "paused": ["<name>", ...]}
boost::json::object to_json(const QueueStats& stats);

}  // namespace coqueue
