#include "core/redis/blocking_pool.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"

namespace coqueue::redis {

BlockingPool::BlockingPool(executor ex, Config config, std::size_t size)
    : ex_(ex), config_(std::move(config)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    connections_.push_back(std::make_unique<Connection>(ex, config_));
    free_.push_back(connections_.back().get());
  }
}

BlockingPool::~BlockingPool() {
  close();
}

void BlockingPool::start() {
  started_ = true;
  for (auto& c : connections_) c->start();
}

void BlockingPool::close() {
  closed_ = true;
  for (auto& c : connections_) c->close();
  for (Waiter* w : waiting_) w->timer.cancel();
  waiting_.clear();
}

BlockingPool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->give_back(conn_, broken_);
}

void BlockingPool::give_back(Connection* conn, bool broken) {
  if (closed_) return;
  if (broken) {
    const auto it = std::find_if(connections_.begin(), connections_.end(),
                                 [&](const auto& c) { return c.get() == conn; });
    if (it != connections_.end()) {
      (*it)->close();
      *it = std::make_unique<Connection>(ex_, config_);
      if (started_) (*it)->start();
      conn = it->get();
      log::debug("redis.blocking_connection_replaced");
    }
  }
  if (!waiting_.empty()) {
    Waiter* next = waiting_.front();
    waiting_.pop_front();
    next->given = conn;  // handed over directly: no one can take it in between
    next->timer.cancel();
    return;
  }
  free_.push_back(conn);
}

awaitable<std::optional<BlockingPool::Lease>> BlockingPool::acquire(SteadyTime deadline) {
  if (closed_) co_return std::nullopt;
  if (!free_.empty()) {
    Connection* conn = free_.back();
    free_.pop_back();
    co_return Lease(*this, conn);
  }
  Waiter waiter(ex_);
  waiting_.push_back(&waiter);
  try {
    waiter.timer.expires_at(deadline);
    co_await waiter.timer.async_wait(asio::as_tuple(asio::use_awaitable));
  } catch (...) {  // the caller was cancelled
    std::erase(waiting_, &waiter);
    if (waiter.given != nullptr) give_back(waiter.given, false);
    throw;
  }
  std::erase(waiting_, &waiter);  // still there when the deadline came first
  if (waiter.given == nullptr) co_return std::nullopt;
  co_return Lease(*this, waiter.given);
}

awaitable<ExecResult> BlockingPool::exec(Request request, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<Lease> lease = co_await acquire(deadline);
  if (!lease) {
    co_return make_error_code(closed_ ? redis_errc::closed : redis_errc::timeout);
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  ExecResult result = co_await lease->connection().exec(
      std::move(request), std::max(left, std::chrono::milliseconds(1)));
  if (!result) lease->mark_broken();
  co_return result;
}

}  // namespace coqueue::redis
