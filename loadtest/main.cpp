// coqueue-loadtest: the capacity run. Drives K closed-loop clients (and, when asked, a fixed
// open-loop rate) against a deployment it starts itself (--spawn: redis-server, servers and, for
// each worker count of the sweep, workers) or one given by URL (--target), measures throughput,
// latency and the CPU and memory of every process, and writes a capacity report that recommends
// worker counts for a latency goal and a CPU ceiling. --fill instead fills a queue in Redis.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/redis/url_option.hpp"
#include "core/support/command_line.hpp"
#include "core/support/log.hpp"
#include "core/support/units.hpp"
#include "loadtest/capacity_run.hpp"
#include "loadtest/deployment.hpp"
#include "loadtest/fill.hpp"
#include "loadtest/interruption.hpp"
#include "loadtest/wait_latency.hpp"

namespace {

using namespace coqueue;

// --redis, which must name a Redis on this machine: load goes to loopback only.
std::variant<redis::Config, std::string> loopback_redis(const CommandLine& cli) {
  auto redis = redis::read_url_option(cli);
  if (auto* problem = std::get_if<std::string>(&redis)) return *problem;
  const redis::Config& config = std::get<redis::Config>(redis);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.host, ec);
  if (!config.unix_path.empty() || ec || !address.is_loopback()) {
    return "--redis must be a loopback redis:// URL";
  }
  return config;
}

int run_fill(const CommandLine& cli) {
  loadtest::FillPlan plan;
  const auto jobs = parse_int(cli.get("fill"));
  if (!jobs || *jobs < 1) {
    std::fprintf(stderr, "coqueue-loadtest: bad --fill\n");
    return 2;
  }
  auto redis = loopback_redis(cli);
  if (auto* problem = std::get_if<std::string>(&redis)) {
    std::fprintf(stderr, "coqueue-loadtest: %s\n", problem->c_str());
    return 2;
  }
  plan.jobs = *jobs;
  plan.redis = std::get<redis::Config>(redis);
  plan.queue = cli.get("queue");
  const loadtest::FillResult r = loadtest::fill_queue(plan);
  std::printf("enqueued=%lld seconds=%.3f jobs_per_s=%.0f\n", static_cast<long long>(r.enqueued),
              r.seconds, static_cast<double>(r.enqueued) / r.seconds);
  return 0;
}

std::optional<std::vector<int>> parse_int_list(const std::string& text, int min, int max) {
  std::vector<int> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto v = parse_int(item);
    if (!v || *v < min || *v > max) return std::nullopt;
    out.push_back(static_cast<int>(*v));
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<double> parse_positive(const std::string& text, double max) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && v > 0 && v <= max) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Reads the capacity run's options; a message naming the bad one when one is.
std::variant<loadtest::CapacityPlan, std::string> read_plan(const CommandLine& cli) {
  loadtest::CapacityPlan p;
  const bool spawn = cli.get("spawn") == "true";
  const bool target = !cli.get("target").empty();
  if (spawn == target) return "give exactly one of --spawn and --target URL";
  p.spawn = spawn;
  p.target_url = cli.get("target");
  if (target) {
    auto parsed = loadtest::Target::parse(p.target_url);
    if (auto* problem = std::get_if<std::string>(&parsed)) return "--target: " + *problem;
  }
  if (spawn) {
    if (!cli.get("redis").empty()) {
      auto redis = loopback_redis(cli);
      if (auto* problem = std::get_if<std::string>(&redis)) return *problem;
      p.redis_url = cli.get("redis");
    }
    p.server_bin = loadtest::coqueue_program(cli.get("server-bin"), "server");
    p.worker_bin = loadtest::coqueue_program(cli.get("worker-bin"), "worker");
    if (p.server_bin.empty() || p.worker_bin.empty()) {
      return "cannot find coqueue-server and coqueue-worker (beside this program, in the build "
             "tree or on PATH): give --server-bin and --worker-bin";
    }
  }
  const auto servers = parse_int(cli.get("servers"));
  if (!servers || *servers < 1 || *servers > 64) return "--servers must be 1 to 64";
  p.servers = static_cast<int>(*servers);
  const auto workers = parse_int_list(cli.get("workers"), 1, 256);
  if (!workers) return "--workers must be a list of counts from 1 to 256, e.g. 1,2,4";
  p.workers = *workers;
  const auto clients = parse_int_list(cli.get("clients"), 1, 20'000);
  if (!clients) return "--clients must be a list of counts from 1 to 20000, e.g. 10,50,100";
  p.clients = *clients;
  const auto concurrency = parse_int(cli.get("worker-concurrency"));
  if (!concurrency || *concurrency < 1 || *concurrency > 100'000) {
    return "--worker-concurrency must be 1 to 100000";
  }
  p.worker_concurrency = static_cast<int>(*concurrency);
  const auto duration = parse_duration(cli.get("duration"));
  if (!duration || duration->count() < 100) return "--duration must be at least 100ms";
  p.duration = *duration;
  const auto warmup = parse_duration(cli.get("warmup"));
  if (!warmup) return "--warmup must be a duration, e.g. 2s";
  p.warmup = *warmup;
  const auto max_total = parse_duration(cli.get("max-time"));
  if (!max_total || max_total->count() <= 0) return "--max-time must be a duration, e.g. 30m";
  p.max_total = *max_total;
  const auto payload = parse_int(cli.get("payload-bytes"));
  if (!payload || *payload < 0 || *payload > 1'000'000)
    return "--payload-bytes must be 0 to 1000000";
  auto mix = loadtest::JobMix::parse(cli.get("job"), static_cast<std::size_t>(*payload));
  if (auto* problem = std::get_if<std::string>(&mix)) return "--job: " + *problem;
  p.mix = std::get<loadtest::JobMix>(mix);
  auto wait = loadtest::WaitMode::parse(cli.get("wait"));
  if (auto* problem = std::get_if<std::string>(&wait)) return *problem;
  p.wait = std::get<loadtest::WaitMode>(wait);
  if (cli.get("rate") != "0") {
    const auto rate = parse_positive(cli.get("rate"), 1e7);
    if (!rate) return "--rate must be a positive number of jobs per second";
    p.rate = *rate;
  }
  const auto connections = parse_int(cli.get("connections"));
  if (!connections || *connections < 1 || *connections > 20'000) {
    return "--connections must be 1 to 20000";
  }
  p.open_connections = static_cast<int>(*connections);
  const auto goal = parse_duration(cli.get("p99-goal"));
  if (!goal || goal->count() <= 0) return "--p99-goal must be a duration, e.g. 250ms";
  p.goal.p99_ms = static_cast<double>(goal->count());
  const auto ceiling = parse_positive(cli.get("cpu-ceiling"), 100);
  if (!ceiling) return "--cpu-ceiling must be a percentage of one core, above 0 and up to 100";
  p.goal.cpu_ceiling_percent = *ceiling;
  p.validate = cli.get("no-validate") != "true";
  p.out_dir = cli.get("out");
  p.progress = cli.get("quiet") != "true";
  return p;
}

// --wait-latency: on a deployment started here (one server, no workers) or given by --target
// and --redis.
int run_wait_latency(const CommandLine& cli) {
  const auto clients = parse_int(cli.get("wait-latency"));
  if (!clients || *clients < 1 || *clients > 10'000) {
    std::fprintf(stderr, "coqueue-loadtest: --wait-latency must be 1 to 10000 clients\n");
    return 2;
  }
  loadtest::WaitLatencyPlan plan;
  plan.clients = static_cast<int>(*clients);
  std::unique_ptr<loadtest::Deployment> deployment;
  std::string log_dir;  // of the deployment started here: removed after a run that went well
  try {
    if (cli.get("spawn") == "true") {
      loadtest::DeploymentPlan d;
      d.server_bin = loadtest::coqueue_program(cli.get("server-bin"), "server");
      d.worker_bin = "unused";
      char dir[] = "/tmp/coqueue-wait-latency-XXXXXX";
      if (::mkdtemp(dir) == nullptr) return 1;
      d.log_dir = log_dir = dir;
      deployment = std::make_unique<loadtest::Deployment>(d);
      plan.server_url = deployment->server_urls().front();
      auto redis = redis::parse_url(deployment->redis_url());
      plan.redis = std::get<redis::Config>(redis);
    } else {
      plan.server_url = cli.get("target");
      auto redis = loopback_redis(cli);
      if (auto* problem = std::get_if<std::string>(&redis)) {
        std::fprintf(stderr, "coqueue-loadtest: %s\n", problem->c_str());
        return 2;
      }
      plan.redis = std::get<redis::Config>(redis);
    }
    const loadtest::WaitLatencyResult r = loadtest::measure_wait_latency(plan);
    const auto line = [](const char* what, const loadtest::LatencySummary& s) {
      std::printf("%-34s n=%llu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", what,
                  static_cast<unsigned long long>(s.count), s.p50, s.p90, s.p99, s.max);
    };
    std::printf(
        "wait latency at %d waiting clients: from Redis confirming a completion to its "
        "waiting client having the answer\n",
        plan.clients);
    line("one completion at a time", r.one_at_a_time_ms);
    line("all completions at once (burst)", r.burst_ms);
    if (deployment) {
      deployment.reset();  // stopped by PID first
      std::error_code ignored;
      std::filesystem::remove_all(log_dir, ignored);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coqueue-loadtest: the run failed: %s%s%s\n", e.what(),
                 log_dir.empty() ? "" : "; the processes' logs are in ", log_dir.c_str());
    return 1;
  }
}

// One key=value line per step, for scripts.
void print_steps(const loadtest::Report& report) {
  for (const loadtest::StepResult& s : report.steps) {
    const std::uint64_t errors = s.error_total();
    std::printf(
        "mode=%s clients=%d workers=%d jobs=%llu errors=%llu jobs_per_s=%.0f p50_ms=%.3f "
        "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
        s.mode.c_str(), s.clients, s.workers, static_cast<unsigned long long>(s.completed),
        static_cast<unsigned long long>(errors), s.jobs_per_s, s.latency_ms.p50, s.latency_ms.p90,
        s.latency_ms.p99, s.latency_ms.max);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cli(
      "coqueue-loadtest",
      "The capacity run: K closed-loop clients (each submits a job and waits for its result)\n"
      "swept over --clients, against a deployment it starts (--spawn: redis-server, --servers\n"
      "servers and, for each of --workers, that many workers) or one given by --target.\n"
      "Writes <out>/<timestamp>/report.{json,md,html}: throughput, latency percentiles, CPU and\n"
      "memory of every process, and the worker count each client count needs.");
  cli.add_switch("spawn", "start the deployment on loopback, and stop it by PID afterwards");
  cli.add("target", "", "drive this deployment instead (http://127.0.0.1:port; loopback only)");
  // Not read from COQUEUE_REDIS_URL: load goes only where the command line says.
  cli.add("redis", "",
          "with --spawn: use this Redis (loopback) instead of starting a private one; with "
          "--fill: the Redis to fill");
  cli.add("servers", "1", "with --spawn: coqueue-server processes (clients spread over them)");
  cli.add("workers", "1,2", "with --spawn: worker process counts to sweep");
  cli.add("worker-concurrency", "16", "with --spawn: jobs each worker runs at once");
  cli.add("clients", "10,50,100,200", "closed-loop client counts to sweep");
  cli.add("duration", "10s", "measuring window of each step");
  cli.add("warmup", "2s", "load before each window that is not counted");
  cli.add("max-time", "30m", "the whole run's bound: steps that would end later are skipped");
  cli.add("job", "echo",
          "job mix: comma-separated echo, sleep:<ms>, cpu:<ms>, each with an optional "
          "=weight (e.g. cpu:2=1,sleep:20=3)");
  cli.add("payload-bytes", "0", "pad echo payloads to about this many bytes");
  cli.add("wait", "long-poll",
          "how clients wait for results: long-poll (GET /jobs/<id>?wait_ms=), submit-wait "
          "(POST /jobs?wait_ms=: one request per job) or poll:<ms> (GET /jobs/<id> every "
          "<ms>, for stacks that cannot wait server-side)");
  cli.add("rate", "0", "also run an open-loop step at this many jobs/s for each worker count");
  cli.add("connections", "256", "connections of the open-loop step");
  cli.add("p99-goal", "250ms", "latency goal of the recommendation (p99, submit to result)");
  cli.add("cpu-ceiling", "80", "CPU ceiling per process, % of one core");
  cli.add_switch("no-validate", "skip the re-run that checks the model's prediction");
  cli.add("out", "reports", "folder for the reports (a timestamped folder per run)");
  cli.add("server-bin", "", "coqueue-server to start (default: beside this program, or PATH)");
  cli.add("worker-bin", "", "coqueue-worker to start (default: beside this program, or PATH)");
  cli.add_switch("quiet", "no progress bar");
  cli.add("format", "table", "what to print at the end: table (a summary) or kv (a line per step)");
  cli.add("fill", "0",
          "instead: enqueue this many no-op jobs straight into Redis (--redis, --queue) in "
          "batches, print the rate and exit (the start of a drain run)");
  cli.add("queue", "default", "queue for --fill");
  cli.add("wait-latency", "0",
          "instead: measure how fast this many clients waiting with GET /jobs/<id>?wait_ms= hear "
          "of their jobs' completion (with --spawn, or --target and --redis)");
  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;
  log::configure(
      {.level = log::Level::warn, .format = log::Format::text, .role = "loadtest", .instance = ""});

  if (cli.get("fill") != "0") return run_fill(cli);
  if (cli.get("wait-latency") != "0") return run_wait_latency(cli);

  auto plan = read_plan(cli);
  if (auto* problem = std::get_if<std::string>(&plan)) {
    std::fprintf(stderr, "coqueue-loadtest: %s\n", problem->c_str());
    return 2;
  }
  loadtest::install_interruption_handler();
  try {
    const auto outcome = loadtest::run_capacity(std::get<loadtest::CapacityPlan>(plan));
    if (cli.get("format") == "kv") {
      print_steps(outcome.report);
    } else {
      std::printf("%s\nReport: %s/report.html (also report.md, report.json)\n",
                  loadtest::summary_table(outcome.report).c_str(), outcome.report_dir.c_str());
    }
    return loadtest::interrupted() ? 130 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "coqueue-loadtest: the run failed: %s\n", e.what());
    return 1;
  }
}
