#pragma once
// A Lua script, loaded into Redis once and called by its SHA1. When Redis no longer knows it
// (restarted, SCRIPT FLUSH, a failover), the NOSCRIPT reply makes the script load again and the
// call go out once more: safe, because a NOSCRIPT call ran nothing.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/redis/connection.hpp"

namespace coqueue::redis {

class Script {
 public:
  Script(std::string name, std::string source);

  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::optional<std::string>& sha() const { return sha_; }

  // EVALSHA with these keys and arguments; the reply is the script's return value (an error
  // reply when the script raised one).
  awaitable<ExecResult> run(Connection& conn, std::vector<std::string> keys,
                            std::vector<std::string> args, std::chrono::milliseconds timeout);

  // The commands of `first`, then the script, in one request (one round trip): the replies of
  // `first` come first, the script's last. On NOSCRIPT all of it is sent again, so the commands
  // of `first` must be safe to repeat (SET, SADD, EXPIRE…).
  awaitable<ExecResult> run_after(Connection& conn, Request first, std::vector<std::string> keys,
                                  std::vector<std::string> args, std::chrono::milliseconds timeout);

  // SCRIPT LOAD; run() calls it when needed.
  awaitable<std::error_code> load(Connection& conn, std::chrono::milliseconds timeout);

  static bool is_noscript(const RespValue& reply);

 private:
  std::string name_;
  std::string source_;
  std::optional<std::string> sha_;
};

}  // namespace coqueue::redis
