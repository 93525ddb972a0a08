#include "core/queue/queue_stats.hpp"

#include <cmath>

#include <boost/json/array.hpp>

namespace coqueue {
namespace {

boost::json::object counts_json(const StatusCounts& counts) {
  boost::json::object o;
  for (const JobStatus s : all_job_statuses) o[to_string(s)] = counts[s];
  return o;
}

}  // namespace

StatusCounts& StatusCounts::operator+=(const StatusCounts& other) {
  for (std::size_t i = 0; i < by_status.size(); ++i) by_status[i] += other.by_status[i];
  return *this;
}

StatusCounts QueueStats::totals() const {
  StatusCounts sum;
  for (const auto& [name, counts] : queues) sum += counts;
  return sum;
}

boost::json::object to_json(const QueueStats& stats,
                            const std::map<std::string, RecentEnds>* recent,
                            double recent_window_s) {
  boost::json::object queues;
  RecentEnds recent_total;
  std::int64_t oldest = -1;
  std::int64_t dead_total = 0;
  for (const auto& [name, counts] : stats.queues) {
    boost::json::object q = counts_json(counts);
    const auto dead = stats.dead.find(name);
    q["dead"] = dead != stats.dead.end() ? dead->second : 0;
    dead_total += q["dead"].as_int64();
    const auto age = stats.oldest_queued_age_ms.find(name);
    if (age != stats.oldest_queued_age_ms.end()) {
      q["oldest_queued_age_ms"] = age->second;
      oldest = std::max(oldest, age->second);
    } else {
      q["oldest_queued_age_ms"] = nullptr;
    }
    if (recent != nullptr) {
      const auto r = recent->find(name);
      const RecentEnds ends = r != recent->end() ? r->second : RecentEnds{};
      q["completed_last_minute"] = ends.completed;
      q["failed_last_minute"] = ends.failed;
      recent_total.completed += ends.completed;
      recent_total.failed += ends.failed;
    }
    queues[name] = std::move(q);
  }
  boost::json::object o;
  o["queues"] = std::move(queues);
  boost::json::object totals = counts_json(stats.totals());
  totals["dead"] = dead_total;
  if (oldest >= 0) {
    totals["oldest_queued_age_ms"] = oldest;
  } else {
    totals["oldest_queued_age_ms"] = nullptr;
  }
  if (recent != nullptr) {
    totals["completed_last_minute"] = recent_total.completed;
    totals["failed_last_minute"] = recent_total.failed;
    o["recent_window_s"] = static_cast<std::int64_t>(std::llround(recent_window_s));
  }
  o["totals"] = std::move(totals);
  boost::json::array paused;
  for (const std::string& name : stats.paused) paused.push_back(boost::json::string(name));
  o["paused"] = std::move(paused);
  return o;
}

}  // namespace coqueue
