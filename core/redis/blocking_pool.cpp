#include "core/redis/blocking_pool.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/redis/redis_errc.hpp"

namespace coqueue::redis {

BlockingPool::BlockingPool(executor ex, Config config, std::size_t size) : ex_(ex) {
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    connections_.push_back(std::make_unique<Connection>(ex, config));
    free_.push_back(connections_.back().get());
  }
}

BlockingPool::~BlockingPool() {
  close();
}

void BlockingPool::start() {
  for (auto& c : connections_) c->start();
}

void BlockingPool::close() {
  closed_ = true;
  for (auto& c : connections_) c->close();
  for (asio::steady_timer* t : waiting_) t->cancel();
}

awaitable<ExecResult> BlockingPool::exec(Request request, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (free_.empty()) {
    if (closed_) co_return make_error_code(redis_errc::closed);
    asio::steady_timer turn(ex_, deadline);
    waiting_.push_back(&turn);
    auto [ec] = co_await turn.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(waiting_, &turn);
    if (!ec) co_return make_error_code(redis_errc::timeout);  // no connection came free in time
    if (closed_) co_return make_error_code(redis_errc::closed);
  }
  Connection* conn = free_.back();
  free_.pop_back();
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  ExecResult result =
      co_await conn->exec(std::move(request), std::max(left, std::chrono::milliseconds(1)));
  free_.push_back(conn);
  if (!waiting_.empty()) waiting_.front()->cancel();  // the longest waiter goes next
  co_return result;
}

}  // namespace coqueue::redis
