// coqueue-launch: a deployment on loopback for development, in one command. Starts a private
// redis-server (unless --redis names one), S coqueue-server and W coqueue-worker processes,
// prints their URLs and PIDs, and stops all of them by PID on Ctrl-C or SIGTERM, or when one of
// them dies. The capacity run starts its deployments with the same code.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/redis/url_option.hpp"
#include "core/support/command_line.hpp"
#include "core/support/units.hpp"
#include "loadtest/deployment.hpp"

namespace {

using namespace coqueue;

std::optional<int> count_option(const CommandLine& cli, const char* name, int min, int max) {
  const auto v = parse_int(cli.get(name));
  if (!v || *v < min || *v > max) {
    std::fprintf(stderr, "coqueue-launch: --%s must be %d to %d\n", name, min, max);
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cli("coqueue-launch",
                  "Starts redis-server (unless --redis is given), --servers coqueue-server and\n"
                  "--workers coqueue-worker processes on loopback, prints their URLs and PIDs,\n"
                  "and stops them all by PID on Ctrl-C.");
  cli.add("redis", "", "use this Redis (loopback) instead of starting a private one");
  cli.add("servers", "2", "coqueue-server processes");
  cli.add("workers", "2", "coqueue-worker processes");
  cli.add("worker-concurrency", "16", "jobs each worker runs at once");
  cli.add("port", "0",
          "0: each server on its own free port; otherwise all servers share this port "
          "(SO_REUSEPORT)");
  cli.add("logs", "", "folder for the processes' logs (default: a new folder under /tmp)");
  cli.add("server-bin", "", "coqueue-server to start (default: beside this program, or PATH)");
  cli.add("worker-bin", "", "coqueue-worker to start (default: beside this program, or PATH)");
  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;

  loadtest::DeploymentPlan plan;
  const auto servers = count_option(cli, "servers", 1, 64);
  const auto workers = count_option(cli, "workers", 0, 256);
  const auto concurrency = count_option(cli, "worker-concurrency", 1, 100'000);
  const auto port = count_option(cli, "port", 0, 65535);
  if (!servers || !workers || !concurrency || !port) return 2;
  plan.servers = *servers;
  plan.worker_concurrency = *concurrency;
  plan.listen = "127.0.0.1:" + std::to_string(*port);
  if (!cli.get("redis").empty()) {
    auto redis = redis::read_url_option(cli);
    if (auto* problem = std::get_if<std::string>(&redis)) {
      std::fprintf(stderr, "coqueue-launch: %s\n", problem->c_str());
      return 2;
    }
    plan.redis_url = cli.get("redis");
  }
  plan.server_bin = loadtest::coqueue_program(cli.get("server-bin"), "server");
  plan.worker_bin = loadtest::coqueue_program(cli.get("worker-bin"), "worker");
  if (plan.server_bin.empty() || plan.worker_bin.empty()) {
    std::fprintf(stderr,
                 "coqueue-launch: cannot find coqueue-server and coqueue-worker: give "
                 "--server-bin and --worker-bin\n");
    return 2;
  }
  plan.log_dir = cli.get("logs");
  if (plan.log_dir.empty()) {
    char dir[] = "/tmp/coqueue-launch-XXXXXX";
    if (::mkdtemp(dir) == nullptr) return 1;
    plan.log_dir = dir;
  }

  // Signals are taken synchronously below, so they must not kill the process first. A shell
  // starts background commands with SIGINT ignored; an ignored signal is never pending, so the
  // default is put back before blocking.
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    loadtest::Deployment deployment(plan);
    deployment.set_workers(*workers);
    std::printf("redis    %s\n", deployment.redis_url().c_str());
    for (const std::string& url : deployment.server_urls())
      std::printf("server   %s\n", url.c_str());
    for (const loadtest::ProcessRef& p : deployment.processes()) {
      std::printf("pid      %-7d %s\n", static_cast<int>(p.pid), p.name.c_str());
    }
    std::printf("logs     %s\nready: Ctrl-C stops everything\n", plan.log_dir.c_str());
    std::fflush(stdout);
    for (;;) {
      const timespec second{.tv_sec = 1, .tv_nsec = 0};
      const int sig = ::sigtimedwait(&stop_signals, nullptr, &second);
      if (sig == SIGINT || sig == SIGTERM) break;
      if (const std::string dead = deployment.casualty(); !dead.empty()) {
        std::fprintf(stderr, "coqueue-launch: %s; stopping the rest\n", dead.c_str());
        return 1;
      }
    }
    std::printf("stopping\n");
    deployment.stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coqueue-launch: %s\n", e.what());
    return 1;
  }
}
