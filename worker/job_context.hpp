#pragma once
// What a handler gets for one run of a job: the job, a way to sleep or to run CPU-heavy work
// off the I/O thread, and the stop signal (cancel, timeout or shutdown).

#include <chrono>
#include <functional>
#include <stop_token>

#include <boost/json/value.hpp>

#include "core/job/job.hpp"
#include "core/support/awaitable.hpp"

namespace coqueue::worker {

class CpuPool;

class JobContext {
 public:
  // Sends a progress report of this run to the backend.
  using ProgressReporter = std::function<awaitable<void>(boost::json::value)>;

  JobContext(const Job& job, executor ex, CpuPool& cpu, std::stop_token stop,
             ProgressReporter reporter = {});

  const Job& job() const { return job_; }
  const boost::json::value& payload() const { return job_.payload; }
  int attempt() const { return job_.attempts; }
  executor get_executor() const { return ex_; }

  // Set when the run must end early; long CPU loops should check it.
  bool stop_requested() const { return stop_.stop_requested(); }
  std::stop_token stop_token() const { return stop_; }

  // Waits without holding a thread; throws when the run is stopped meanwhile.
  awaitable<void> sleep_for(std::chrono::milliseconds duration);

  // Runs `work` on the CPU pool and resumes here when it is done; throws if the run was stopped.
  awaitable<void> run_cpu(std::function<void(std::stop_token)> work);

  // Records how far the run got (any JSON, at most 64 KiB serialized): the job record shows it
  // as "progress", the last report of the last run, also after the job ended. Best effort: a report
  // that cannot be stored is logged and dropped, never failing the run. Throws
  // std::invalid_argument for an oversized report.
  awaitable<void> report_progress(boost::json::value progress);

 private:
  const Job& job_;
  executor ex_;
  CpuPool& cpu_;
  std::stop_token stop_;
  ProgressReporter reporter_;
};

}  // namespace coqueue::worker
