// coqueue-server: the HTTP API, with in-process workers in the embedded (memory) mode.

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/support/log.hpp"
#include "core/support/run_threads_until_stopped.hpp"
#include "server/backend_probe.hpp"
#include "server/server_app.hpp"
#include "server/server_config.hpp"
#include "server/server_threads.hpp"

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
      if (config.threads > 1) {
        log::error("server.start_failed",
                   {{"error", "--threads above 1 needs Redis, and Redis does not answer"}});
        return 1;
      }
    }
  }

  // One io_context per thread (run_threads_until_stopped runs the first on this thread).
  const std::size_t thread_count = config.threads;
  worker::CpuPool cpu(config.cpu_threads);
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<server::ServerApp>> apps;
  server::ServerThreads threads;
  try {
    for (std::size_t i = 0; i < thread_count; ++i) {
      server::ServerConfig own = config;
      if (thread_count > 1) {
        own.reuse_port = true;
        // The connection cap is the process's, shared out.
        own.http.max_connections =
            std::max<std::size_t>(1, config.http.max_connections / thread_count);
      }
      if (i > 0) {
        own.listen_port = apps[0]->port();  // the port the first one bound, even for port 0
        own.workers = 0;                    // in-process workers, alerts: the first thread's
        own.alerts.url.clear();
      }
      contexts.push_back(std::make_unique<asio::io_context>(1));
      apps.push_back(std::make_unique<server::ServerApp>(*contexts.back(), own, cpu));
      threads.add(apps.back()->get_executor(), apps.back()->api());
    }
  } catch (const std::exception& e) {
    log::error("server.start_failed", {{"listen", cli.get("listen")}, {"error", e.what()}});
    return 1;
  }
  for (auto& app : apps) {
    if (thread_count > 1) app->join(threads);
    app->start();
  }
  log::info("server.listening", {{"address", config.listen_host},
                                 {"port", apps[0]->port()},
                                 {"backend", config.backend},
                                 {"workers", config.workers},
                                 {"threads", thread_count}});

  const int exit_code = run_threads_until_stopped(
      contexts, "server", [&](std::size_t i) { return apps[i]->shutdown(); },
      [] { log::warn("server.forced_stop"); });
  apps.clear();
  return exit_code;
}
