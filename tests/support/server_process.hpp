#pragma once
// A real coqueue-server for end-to-end tests, on a free loopback port, logging JSON at debug.

#include <string>
#include <vector>

#include "core/support/child_process.hpp"

namespace coqueue::test {

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {});

  unsigned short port() const { return port_; }
  ChildProcess& process() { return process_; }

  // Number of log lines with this event name.
  std::size_t count_events(const std::string& event) const { return process_.count_events(event); }

 private:
  ChildProcess process_;
  unsigned short port_ = 0;
};

}  // namespace coqueue::test
