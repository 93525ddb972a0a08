#pragma once
// A child process: started with arguments, its stdout and stderr going to a file its parent can
// read, stopped by its PID (never by name) when the parent is done with it, and killed by the
// kernel if the parent dies first. The tests and the load test's deployments start theirs so.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace coqueue {

class ChildProcess {
 public:
  // The output goes to `output_path`, or to a temp file removed with the object when empty
  // (kept when COQUEUE_KEEP_TEST_LOGS is set).
  ChildProcess(std::string program, std::vector<std::string> args, std::string output_path = {});
  ~ChildProcess();  // SIGKILL and reap if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& output_path() const { return output_path_; }
  std::string output() const;

  // The JSON log lines of this process with {"event": event}, in order.
  std::vector<boost::json::object> events(const std::string& event) const;
  std::size_t count_events(const std::string& event) const { return events(event).size(); }

  // Waits until the output has a line containing `needle`; returns that line.
  std::optional<std::string> wait_for_line(const std::string& needle,
                                           std::chrono::milliseconds timeout) const;

  void signal(int sig) const;
  // Waits for exit; the exit status (or 128+signal), nothing on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string output_path_;
  bool temporary_output_ = false;
};

}  // namespace coqueue
