#pragma once
// Threads for CPU-heavy handlers, so they never stall the I/O thread. A coroutine awaits the
// work and resumes on its own executor when the work is done.

#include <functional>

#include <boost/asio/thread_pool.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue::worker {

class CpuPool {
 public:
  // `threads`: 0 for one per core (--cpu-threads' default).
  explicit CpuPool(std::size_t threads);
  ~CpuPool();
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  // Runs `work` on a pool thread; rethrows what it throws.
  awaitable<void> run(std::function<void()> work);

  void join();

 private:
  asio::thread_pool pool_;
};

}  // namespace coqueue::worker
