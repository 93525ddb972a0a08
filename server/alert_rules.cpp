#include "server/alert_rules.hpp"

namespace coqueue::server {

void AlertRules::fire(Alert alert, SteadyTime now, std::map<std::string, Firing>& still,
                      std::vector<Alert>& out, bool news) {
  const std::string key = alert.key();
  const auto was = firing_.find(key);
  if (!news && was != firing_.end() && now - was->second.last_sent < repeat_) {
    still[key] = was->second;  // firing, but said recently enough
    return;
  }
  still[key] = Firing{now};
  alert.status = "firing";
  out.push_back(std::move(alert));
}

std::vector<Alert> AlertRules::evaluate(const DeploymentReading& reading, SteadyTime now) {
  std::vector<Alert> out;
  std::map<std::string, Firing> still;
  if (!reading.backend_reachable) {
    // Nothing else can be read: the other alerts keep their state until it can.
    still = firing_;
    still.erase("backend_unreachable/");
    fire(Alert{"backend_unreachable", "", "", "the backend (Redis) cannot be reached", 0}, now,
         still, out);
    firing_ = std::move(still);
    return out;
  }

  for (const auto& [queue, counts] : reading.stats.queues) {
    const auto dead = reading.stats.dead.find(queue);
    const std::int64_t dead_now = dead == reading.stats.dead.end() ? 0 : dead->second;
    const auto seen = dead_seen_.find(queue);
    const std::int64_t dead_before = seen == dead_seen_.end() ? 0 : seen->second;
    const std::string dead_key = "dead_letters/" + queue;
    if (!first_reading_ && dead_now > dead_before) {
      fire(Alert{"dead_letters", "", queue,
                 std::to_string(dead_now - dead_before) + " new dead letter(s) in queue " + queue +
                     ": jobs failed for good",
                 dead_now},
           now, still, out, /*news=*/true);
    } else if (dead_now > 0 && firing_.contains(dead_key)) {
      still[dead_key] = firing_.at(dead_key);  // still there; said when they came
    }
    dead_seen_[queue] = dead_now;

    const std::int64_t waiting = counts[JobStatus::queued];
    const auto serving = reading.workers.find(queue);
    if (waiting > 0 && (serving == reading.workers.end() || serving->second == 0)) {
      fire(Alert{"no_workers", "", queue,
                 "queue " + queue + " has " + std::to_string(waiting) +
                     " job(s) waiting and no live worker",
                 waiting},
           now, still, out);
    }
  }
  first_reading_ = false;

  // What fired before and does not hold any more is resolved, once.
  for (const auto& [key, firing] : firing_) {
    if (still.contains(key)) continue;
    const std::size_t slash = key.find('/');
    Alert resolved{key.substr(0, slash), "resolved", key.substr(slash + 1), "", 0};
    resolved.summary =
        resolved.name + (resolved.queue.empty() ? "" : " of queue " + resolved.queue) + " is over";
    out.push_back(std::move(resolved));
  }
  firing_ = std::move(still);
  return out;
}

}  // namespace coqueue::server
