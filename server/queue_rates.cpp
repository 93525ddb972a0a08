#include "server/queue_rates.hpp"

namespace coqueue::server {
namespace {

std::map<std::string, RecentEnds> ends_of(const QueueStats& stats) {
  std::map<std::string, RecentEnds> out;
  for (const auto& [queue, counts] : stats.queues) {
    out[queue] = {counts[JobStatus::completed], counts[JobStatus::failed]};
  }
  return out;
}

}  // namespace

void QueueRates::record(SteadyTime now, const QueueStats& stats) {
  // At most one reading a second, however often GET /queues is called.
  if (!readings_.empty() && now - readings_.back().at < std::chrono::seconds(1)) return;
  readings_.push_back({now, ends_of(stats)});
  // Keep one reading older than the window, so that a full minute can be measured.
  while (readings_.size() > 2 && readings_[1].at <= now - window) readings_.pop_front();
}

std::map<std::string, RecentEnds> QueueRates::last_minute(SteadyTime now, const QueueStats& current,
                                                          double& window_s) const {
  // The oldest reading within the window; the latest one when all are older.
  const Reading* base = nullptr;
  for (const Reading& r : readings_) {
    if (r.at >= now - window) {
      base = &r;
      break;
    }
  }
  if (base == nullptr && !readings_.empty()) base = &readings_.back();
  std::map<std::string, RecentEnds> out;
  window_s = 0;
  if (base == nullptr) return out;
  window_s = std::chrono::duration<double>(now - base->at).count();
  for (const auto& [queue, ends] : ends_of(current)) {
    const auto then = base->ends.find(queue);
    const RecentEnds before = then != base->ends.end() ? then->second : RecentEnds{};
    // A failed job retried leaves `failed`: a drop is not a negative number of failures.
    out[queue] = {std::max<std::int64_t>(0, ends.completed - before.completed),
                  std::max<std::int64_t>(0, ends.failed - before.failed)};
  }
  return out;
}

}  // namespace coqueue::server
