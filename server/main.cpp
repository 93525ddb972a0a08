// coqueue-server: the HTTP API, with in-process workers in the embedded (memory) mode.

#include <cstdio>
#include <iostream>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "core/support/log.hpp"
#include "core/support/run_until_stopped.hpp"
#include "server/backend_probe.hpp"
#include "server/server_app.hpp"
#include "server/server_config.hpp"

int main(int argc, char** argv) {
  using namespace coqueue;
  CommandLine cli("coqueue-server",
                  "Serves the coqueue HTTP API: submit jobs, read and wait for their results,\n"
                  "cancel them, and see the queues. On Redis, any number of servers and worker\n"
                  "processes share the queues; with --backend memory jobs live in this process\n"
                  "and --workers in-process workers run them.");
  server::declare_server_options(cli);
  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;
  auto read = server::read_server_config(cli, CommandLine::process_environment());
  if (auto* error = std::get_if<std::string>(&read)) {
    std::fprintf(stderr, "coqueue-server: %s\n", error->c_str());
    return 2;
  }
  server::ServerConfig config = std::move(std::get<server::ServerConfig>(read));
  log::configure(config.log);
  if (config.backend != "memory") {
    const server::ProbeResult probe =
        server::probe_redis(config.redis.redis, std::chrono::milliseconds(1500));
    if (probe.answered) {
      config.backend = "redis";
      if (!config.workers_given) config.workers = 0;  // worker processes run the jobs
    } else if (config.backend == "redis") {
      log::error("server.redis_unreachable", {{"redis", config.redis_url}, {"error", probe.error}});
      return 1;
    } else {
      log::warn("server.backend_fallback",
                {{"backend", "memory"},
                 {"redis", config.redis_url},
                 {"error", probe.error},
                 {"message",
                  "Redis does not answer: jobs live in this process only and are lost when it "
                  "stops; worker processes cannot reach them. Use --backend redis to refuse "
                  "this."}});
      config.backend = "memory";
    }
  }

  asio::io_context io(1);
  std::optional<server::ServerApp> app;
  try {
    app.emplace(io, config);
  } catch (const std::exception& e) {
    log::error("server.start_failed", {{"listen", cli.get("listen")}, {"error", e.what()}});
    return 1;
  }
  app->start();
  log::info("server.listening", {{"address", config.listen_host},
                                 {"port", app->port()},
                                 {"backend", config.backend},
                                 {"workers", config.workers}});

  const int exit_code = run_until_stopped(
      io, "server", [&] { return app->shutdown(); }, [] { log::warn("server.forced_stop"); });
  app.reset();
  return exit_code;
}
