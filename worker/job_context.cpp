#include "worker/job_context.hpp"

#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include "worker/cpu_pool.hpp"

namespace coqueue::worker {

JobContext::JobContext(const Job& job, executor ex, CpuPool& cpu, std::stop_token stop,
                       ProgressReporter reporter)
    : job_(job),
      ex_(std::move(ex)),
      cpu_(cpu),
      stop_(std::move(stop)),
      reporter_(std::move(reporter)) {}

awaitable<void> JobContext::report_progress(boost::json::value progress) {
  constexpr std::size_t max_size = 64 * 1024;
  if (boost::json::serialize(progress).size() > max_size) {
    throw std::invalid_argument("a progress report is limited to 64 KiB of JSON");
  }
  if (!reporter_) co_return;
  awaitable<void> report = reporter_(std::move(progress));  // named: no temporary in co_await
  co_await std::move(report);
}

awaitable<void> JobContext::sleep_for(std::chrono::milliseconds duration) {
  asio::steady_timer timer(ex_, duration);
  co_await timer.async_wait(asio::use_awaitable);  // cancellation of the run aborts the wait
}

awaitable<void> JobContext::run_cpu(std::function<void(std::stop_token)> work) {
  // A named local, not a temporary inside co_await: GCC 12 destroys such temporaries twice.
  std::function<void()> bound = [work = std::move(work), stop = stop_] { work(stop); };
  co_await cpu_.run(std::move(bound));
  if (stop_.stop_requested()) {
    throw boost::system::system_error(asio::error::operation_aborted, "stopped");
  }
}

}  // namespace coqueue::worker
