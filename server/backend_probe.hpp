#pragma once
// The once-at-start look at Redis that decides the backend of `--backend auto` and makes
// `--backend redis` fail fast. A server never switches backend after it started.

#include <chrono>
#include <string>

#include "core/redis/config.hpp"

namespace coqueue::server {

struct ProbeResult {
  bool answered = false;
  std::string error;  // why not, when it did not
};

// Connects (on a private io_context), sends PING and waits for PONG within `timeout`.
ProbeResult probe_redis(const redis::Config& config, std::chrono::milliseconds timeout);

}  // namespace coqueue::server
