#pragma once
// Open connections, and which of them sit idle between requests, oldest first. At the
// connection cap the oldest idle connection is closed to make room; at shutdown every idle
// one is closed while busy ones finish their request.

#include <cstddef>
#include <functional>
#include <list>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "core/support/awaitable.hpp"
#include "core/support/time.hpp"

namespace coqueue::server {

class ConnectionTracker {
  struct Entry;

 public:
  using Closer = std::function<void()>;

  explicit ConnectionTracker(executor ex);

  // Registration of one connection; removes it when destroyed.
  class Handle {
   public:
    Handle(ConnectionTracker& tracker, Closer close);
    ~Handle();
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    void set_idle(bool idle);

   private:
    ConnectionTracker& tracker_;
    std::unique_ptr<Entry> entry_;
  };

  std::size_t size() const { return count_; }
  std::size_t idle() const { return idle_.size(); }

  // Closes the connection idle the longest; false when none is idle.
  bool close_oldest_idle();
  void close_all_idle();

  // Returns when no connection is left, or at the deadline.
  awaitable<void> wait_empty(SteadyTime deadline);

 private:
  struct Entry {
    Closer close;
    bool idle = false;
    std::list<Entry*>::iterator idle_position;
  };

  std::list<Entry*> idle_;  // front: idle the longest
  std::size_t count_ = 0;
  asio::steady_timer emptied_;
};

}  // namespace coqueue::server
