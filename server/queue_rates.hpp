#pragma once
// Jobs completed and failed per queue over the last minute, from readings of the backend's
// counts that the server takes every few seconds (and at each GET /queues): the difference
// between now and the reading nearest to a minute ago. Counts are kept by the backend for
// every server, so each server gives the same answer, give or take a sampling interval.

#include <chrono>
#include <deque>
#include <map>
#include <string>

#include "core/queue/queue_stats.hpp"
#include "core/support/time.hpp"

namespace coqueue::server {

class QueueRates {
 public:
  static constexpr std::chrono::seconds window{60};

  void record(SteadyTime now, const QueueStats& stats);

  // Ends per queue since the oldest reading within the window; `window_s` is how long that
  // covers (under a minute while the server is younger than that).
  std::map<std::string, RecentEnds> last_minute(SteadyTime now, const QueueStats& current,
                                                double& window_s) const;

 private:
  struct Reading {
    SteadyTime at;
    std::map<std::string, RecentEnds> ends;  // cumulative counts as read
  };
  std::deque<Reading> readings_;
};

}  // namespace coqueue::server
