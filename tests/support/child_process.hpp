#pragma once
// A child process for tests: started with arguments, its stdout and stderr going to a file the
// test can read, stopped by its PID (never by name) when the test is done with it, and killed
// by the kernel if the test process dies first.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace coqueue::test {

class ChildProcess {
 public:
  ChildProcess(std::string program, std::vector<std::string> args);
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
};

}  // namespace coqueue::test
