#include "worker/cpu_pool.hpp"

#include <algorithm>
#include <exception>
#include <thread>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coqueue::worker {

CpuPool::CpuPool(std::size_t threads)
    : pool_(threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())) {}

CpuPool::~CpuPool() {
  join();
}

void CpuPool::join() {
  pool_.join();
}

awaitable<void> CpuPool::run(std::function<void()> work) {
  auto initiate = [this](auto handler, std::function<void()> fn) {
    // Keep the caller's executor busy while the work is away, so its run() does not return.
    auto home = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool_, [handler = std::move(handler), fn = std::move(fn),
                       home = std::move(home)]() mutable {
      std::exception_ptr error;
      try {
        fn();
      } catch (...) {
        error = std::current_exception();
      }
      auto ex = home.get_executor();
      asio::post(ex,
                 [handler = std::move(handler), error]() mutable { std::move(handler)(error); });
      home.reset();
    });
  };
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
      initiate, asio::use_awaitable, std::move(work));
}

}  // namespace coqueue::worker
