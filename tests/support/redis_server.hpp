#pragma once
// A private redis-server for tests: its own free loopback port and temp dir, no persistence,
// stopped by its PID when the object goes. Shared by every test that needs Redis.

#include <memory>
#include <string>
#include <vector>

#include "core/redis/config.hpp"
#include "core/support/child_process.hpp"

namespace coqueue::test {

class RedisServer {
 public:
  // `extra_args` are passed to redis-server as they are (e.g. {"--requirepass", "secret"}).
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }

  // Client settings for this server, reconnecting fast (10-100 ms) so tests of faults are quick.
  redis::Config client_config() const;

  // Sends one inline command and returns the raw reply (for checks without a client).
  std::string command(const std::string& inline_command) const;

  // Stops it by PID (SIGTERM, then SIGKILL); idempotent.
  void stop();
  // Kills it with SIGKILL, as a crash would: nothing is flushed.
  void crash();
  // Starts it again on the same port and dir (after stop() or crash()).
  void restart();

  // The unix socket it also listens on.
  std::string unix_socket() const { return dir_ + "/redis.sock"; }

 private:
  bool launch();  // false when it did not come up on port_

  std::vector<std::string> extra_args_;
  unsigned short port_ = 0;
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace coqueue::test
