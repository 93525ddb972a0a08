#pragma once
// Fires due schedules: every `poll` it asks the broker for the schedules whose tick has come,
// submits each one's job with the tick's idempotency key, and claims the tick by advancing the
// schedule (Broker::advance_schedule). Run by every worker process and by the embedded server;
// however many run, each tick gives one job.

#include <chrono>
#include <functional>

#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"

namespace coqueue {

class Scheduler {
 public:
  explicit Scheduler(Broker& broker,
                     std::chrono::milliseconds poll = std::chrono::milliseconds(100));

  // Fires until stop().
  awaitable<void> run();
  void stop();

  // One pass over the due schedules: how many ticks this process claimed.
  awaitable<int> fire_due();

 private:
  awaitable<bool> fire(const Schedule& schedule, SystemTime now);

  Broker& broker_;
  std::chrono::milliseconds poll_;
  std::function<void()> stop_;
  bool stopped_ = false;
};

}  // namespace coqueue
