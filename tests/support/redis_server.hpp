#pragma once
// A private redis-server for tests: its own free loopback port and temp dir, no persistence,
// stopped by its PID when the object goes. Shared by every test that needs Redis.

#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace coqueue::test {

class RedisServer {
 public:
  RedisServer();
  ~RedisServer();

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }

  // Sends one inline command and returns the raw reply (for checks without a client).
  std::string command(const std::string& inline_command) const;

  // Stops it by PID (SIGTERM, then SIGKILL); idempotent.
  void stop();

 private:
  unsigned short port_ = 0;
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace coqueue::test
