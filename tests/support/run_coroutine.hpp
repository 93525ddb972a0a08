#pragma once
// Runs a coroutine to completion on a test's io_context and returns its value (or rethrows).
// Other work on the context (timers, spawned loops) runs meanwhile.

#include <chrono>
#include <future>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue::test {

template <class T>
T run(asio::io_context& io, awaitable<T> task,
      std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto future = asio::co_spawn(io, std::move(task), asio::use_future);
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("coroutine timed out");
    io.restart();
    io.run_one_for(std::chrono::milliseconds(10));
  }
  return future.get();
}

// Lets the context run for a while (timers fire, loops turn).
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

}  // namespace coqueue::test
