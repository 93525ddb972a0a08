#pragma once
// Everything coqueue-server is told at start, from flags or COQUEUE_* environment variables.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/queue/memory_broker.hpp"
#include "core/queue/redis_broker.hpp"
#include "core/support/command_line.hpp"
#include "core/support/log.hpp"
#include "server/access_policy.hpp"
#include "server/alert_webhook.hpp"
#include "server/api.hpp"
#include "server/http_settings.hpp"

namespace coqueue::server {

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 8080;
  bool reuse_port = false;
  // auto: Redis when it answers at start, else memory; memory; redis (fail fast without it).
  std::string backend = "auto";
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::size_t workers = 4;  // in-process worker coroutines (default 0 on Redis)
  bool workers_given = false;
  std::vector<std::string> queues{"default"};
  std::size_t cpu_threads = 0;  // 0: one per core
  // Threads serving HTTP, each with its own Redis connections and listener on the shared port
  // (more than one needs Redis: the embedded queue lives in one thread).
  std::size_t threads = 1;
  std::chrono::milliseconds grace{30'000};
  log::Settings log;
  HttpSettings http;
  ApiSettings api;
  MemoryBrokerSettings memory;
  RedisBrokerSettings redis;
  AccessSettings access;
  AlertWebhookSettings alerts;
};

// Declares the server's options on `cli`.
void declare_server_options(CommandLine& cli);
// Reads them back; an error message names the bad option. `env` gives the tokens
// (COQUEUE_TOKEN, COQUEUE_ADMIN_TOKEN), which no flag carries.
std::variant<ServerConfig, std::string> read_server_config(const CommandLine& cli,
                                                           const CommandLine::EnvLookup& env);

}  // namespace coqueue::server
