#pragma once
// Connections of their own for blocking commands (BLMOVE, BLPOP, BZPOPMIN…), which would stall
// every other caller of a shared connection. Each command borrows one connection for its whole
// round trip; when all are busy, callers wait their turn. Give blocking commands a server-side
// timeout of a second or two and exec() a longer one, so loops regain control regularly.

#include <chrono>
#include <deque>
#include <memory>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "core/redis/connection.hpp"

namespace coqueue::redis {

class BlockingPool {
 public:
  BlockingPool(executor ex, Config config, std::size_t size);
  ~BlockingPool();

  void start();
  void close();

  // Runs `request` on a free connection of the pool; `timeout` covers the wait for a free
  // connection and the command itself.
  awaitable<ExecResult> exec(Request request, std::chrono::milliseconds timeout);

  std::size_t size() const { return connections_.size(); }
  std::size_t busy() const { return connections_.size() - free_.size(); }

 private:
  executor ex_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> free_;
  std::deque<asio::steady_timer*> waiting_;  // callers waiting for a free connection
  bool closed_ = false;
};

}  // namespace coqueue::redis
