#include "core/queue/queue_stats.hpp"

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

boost::json::object to_json(const QueueStats& stats) {
  boost::json::object queues;
  for (const auto& [name, counts] : stats.queues) queues[name] = counts_json(counts);
  boost::json::object o;
  o["queues"] = std::move(queues);
  o["totals"] = counts_json(stats.totals());
  boost::json::array paused;
  for (const std::string& name : stats.paused) paused.push_back(boost::json::string(name));
  o["paused"] = std::move(paused);
  return o;
}

}  // namespace coqueue
