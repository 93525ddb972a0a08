#pragma once
// The threads of one coqueue-server run with --threads N. Each thread has its own io_context,
// Redis connections, Api and listener on the shared port (SO_REUSEPORT: the kernel spreads new
// connections over the listeners), and is the only one to touch its state, so nothing is
// shared and nothing is locked. The one thing a request must see across threads, the process's
// own figures for GET /metrics, is asked of each thread on that thread and summed.

#include <vector>

#include "core/support/awaitable.hpp"
#include "server/metrics_snapshot.hpp"

namespace coqueue::server {

class Api;

class ServerThreads {
 public:
  // Every thread, before any of them runs.
  void add(executor ex, const Api& api);

  // The figures of every thread, each read on its own thread, summed.
  awaitable<MetricsSnapshot> gather() const;

 private:
  struct Member {
    executor ex;
    const Api* api;
  };
  std::vector<Member> members_;
};

}  // namespace coqueue::server
