// coqueue-worker: a worker process that runs jobs from a shared backend.

#include <cstdio>
#include <iostream>

#include "core/support/command_line.hpp"
#include "core/support/log.hpp"
#include "worker/builtin/builtin.hpp"
#include "worker/registry.hpp"

int main(int argc, char** argv) {
  using namespace coqueue;
  CommandLine cli("coqueue-worker",
                  "Runs jobs from a shared coqueue backend, many at once. Worker processes need\n"
                  "a backend that several processes share (Redis); the embedded memory backend\n"
                  "lives inside coqueue-server, whose --workers flag runs in-process workers.");
  cli.add("backend", "redis", "backend to take jobs from: redis");
  cli.add("redis", "redis://127.0.0.1:6379/0", "Redis URL");
  cli.add("queues", "default", "comma-separated queues to take jobs from, highest priority first");
  cli.add("concurrency", "16", "jobs run at once by this process");
  cli.add("log-format", "text", "text or json");
  cli.add("log-level", "info", "error, warn, info or debug");
  cli.add_switch("list-types", "print the job types this worker can run and exit");

  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;

  worker::Registry registry;
  worker::builtin::register_all(registry);
  if (cli.get("list-types") == "true") {
    for (const std::string& name : registry.names()) {
      std::cout << name << "\t" << registry.find(name)->summary << "\n";
    }
    return 0;
  }

  log::Settings settings;
  settings.role = "worker";
  if (!log::parse_level(cli.get("log-level"), settings.level) ||
      !log::parse_format(cli.get("log-format"), settings.format)) {
    std::fprintf(stderr, "coqueue-worker: bad --log-level or --log-format\n");
    return 2;
  }
  log::configure(settings);
  log::error("worker.backend_unavailable",
             {{"backend", cli.get("backend")},
              {"message",
               "this build has no shared backend yet; run in-process workers with "
               "coqueue-server --backend memory --workers N"}});
  return 3;
}
