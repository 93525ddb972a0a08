#pragma once
// When the server tells an operator something is wrong (--alert-webhook): new dead letters in a
// queue, a queue with work and no live worker, the backend unreachable. Each reading of the
// deployment goes in; out come the alerts to send: "firing" when a condition begins, again
// every `repeat` while it lasts, and "resolved" once when it ends. Pure: no I/O, an injected
// clock, so the timing is tested without waiting.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/queue/queue_stats.hpp"
#include "core/support/time.hpp"

namespace coqueue::server {

struct Alert {
  std::string name;    // dead_letters, no_workers, backend_unreachable
  std::string status;  // firing, resolved
  std::string queue;   // empty for backend_unreachable
  std::string summary;
  std::int64_t value = 0;  // dead letters now; jobs waiting; 0
  std::string key() const { return name + "/" + queue; }
};

struct DeploymentReading {
  bool backend_reachable = true;
  QueueStats stats;                             // when reachable
  std::map<std::string, std::int64_t> workers;  // live workers per queue
};

class AlertRules {
 public:
  explicit AlertRules(std::chrono::milliseconds repeat) : repeat_(repeat) {}

  std::vector<Alert> evaluate(const DeploymentReading& reading, SteadyTime now);

 private:
  struct Firing {
    SteadyTime last_sent;
  };
  // Sends `alert` as firing now unless it was sent within `repeat` (news: at once anyway).
  void fire(Alert alert, SteadyTime now, std::map<std::string, Firing>& still,
            std::vector<Alert>& out, bool news = false);

  std::chrono::milliseconds repeat_;
  std::map<std::string, Firing> firing_;           // by key
  std::map<std::string, std::int64_t> dead_seen_;  // per queue, at the last reading
  bool first_reading_ = true;
};

}  // namespace coqueue::server
