#pragma once
// A real coqueue-worker for tests, on a test's redis-server, logging JSON at debug (every run's
// job.start and job.finish), started once it says worker.started.

#include <string>
#include <vector>

#include "core/support/child_process.hpp"

namespace coqueue::test {

class WorkerProcess {
 public:
  // `program`: coqueue-worker, or another worker program built on worker/worker_app.hpp.
  WorkerProcess(const std::string& redis_url, std::vector<std::string> extra_args = {},
                std::string program = COQUEUE_WORKER_BIN);

  ChildProcess& process() { return process_; }
  const ChildProcess& process() const { return process_; }
  const std::string& id() const { return id_; }

 private:
  ChildProcess process_;
  std::string id_;
};

}  // namespace coqueue::test
