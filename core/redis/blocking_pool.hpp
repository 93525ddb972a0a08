#pragma once
// Connections of their own for blocking commands (BLMOVE, BLPOP, BZPOPMIN…), which would stall
// every other caller of a shared connection. A caller leases one connection for the whole round
// trip of its command; when all are busy, callers wait in order and a returned connection goes
// straight to the longest waiter. Give blocking commands a server-side timeout of a second or
// two, computed once the lease is held, so loops regain control regularly.
//
// A blocking command that did not complete (timed out, cancelled, link lost) may still be
// blocked, or may still move data, on the server: its connection is closed and replaced, never
// handed to the next caller, whose reply it would otherwise receive.

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "core/redis/connection.hpp"
#include "core/support/time.hpp"

namespace coqueue::redis {

class BlockingPool {
  struct Waiter;

 public:
  BlockingPool(executor ex, Config config, std::size_t size);
  ~BlockingPool();

  void start();
  void close();

  // One connection, held until the lease goes.
  class Lease {
   public:
    Lease(BlockingPool& pool, Connection* conn) : pool_(&pool), conn_(conn) {}
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), conn_(std::exchange(other.conn_, nullptr)), broken_(other.broken_) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Connection& connection() { return *conn_; }
    // The command did not complete: the connection must not serve anyone else.
    void mark_broken() { broken_ = true; }

   private:
    BlockingPool* pool_;
    Connection* conn_;
    bool broken_ = false;
  };

  // A connection, or nothing when none came free before the deadline or the pool closed.
  awaitable<std::optional<Lease>> acquire(SteadyTime deadline);

  // Leases a connection, runs `request` on it, and gives it back (replaced if the request did
  // not complete). `timeout` covers the wait for a connection and the command.
  awaitable<ExecResult> exec(Request request, std::chrono::milliseconds timeout);

  std::size_t size() const { return connections_.size(); }
  std::size_t busy() const { return connections_.size() - free_.size(); }

 private:
  struct Waiter {
    explicit Waiter(executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    Connection* given = nullptr;
  };

  void give_back(Connection* conn, bool broken);

  executor ex_;
  Config config_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> free_;
  std::deque<Waiter*> waiting_;  // oldest first
  bool started_ = false;
  bool closed_ = false;
};

}  // namespace coqueue::redis
