#include "worker/worker_config.hpp"

#include <unistd.h>

#include "core/job/job_spec.hpp"
#include "core/redis/url_option.hpp"
#include "core/support/log_options.hpp"
#include "core/support/option_reader.hpp"
#include "worker/queue_order.hpp"

namespace coqueue::worker {
namespace {

// Worker ids name Redis keys and log fields: kept to characters that need no quoting.
bool is_valid_worker_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void declare_worker_options(CommandLine& cli) {
  redis::declare_url_option(cli, "Redis URL: redis://[user[:pass]@]host[:port][/db]");
  redis::declare_password_file_option(cli);
  cli.add("queues", "default",
          "queues to take jobs from, comma-separated: in priority order (critical,default), or "
          "with weights (critical:3,default:1: critical first 3 times in 4)");
  cli.add_switch("strict", "with weights in --queues, still keep strict priority order");
  cli.add("concurrency", "16", "jobs run at once by this process");
  cli.add("id", "",
          "worker id, stable across restarts (default: host:pid); a worker started "
          "under an id recovers what its previous life left running");
  cli.add("grace", "30s", "at SIGTERM, how long running jobs may take before they are handed back");
  cli.add("lease", "15s", "a run not renewed within this is recovered and given to another worker");
  cli.add("cpu-threads", "0", "threads for CPU-heavy jobs (0: one per core)");
  cli.add("threads", "1",
          "threads claiming and running jobs, each a worker of its own (id <id>-t<k>) with its "
          "share of --concurrency and its own Redis connections");
  cli.add("retry-base", "1s", "delay before the first retry of a failed run (doubles each time)");
  cli.add("retry-cap", "10m", "longest delay between retries");
  cli.add("result-ttl", "1h", "how long finished jobs stay readable (0: forever)");
  declare_log_options(cli);
  cli.add_switch("list-types", "print the job types this worker can run and exit");
  cli.add_switch("no-schedules",
                 "do not fire periodic schedules here (by default every worker may fire them; "
                 "each tick still gives one job)");
}

std::variant<WorkerConfig, std::string> read_worker_config(const CommandLine& cli) {
  WorkerConfig c;
  OptionReader r(cli);

  c.redis_url = cli.get("redis");
  auto redis = redis::read_url_option(cli);
  if (auto* problem = std::get_if<std::string>(&redis)) return *problem;
  c.broker.redis = std::get<redis::Config>(redis);
  if (auto problem = redis::read_password_file_option(cli, c.broker.redis)) return *problem;

  auto queues = parse_queue_weights(cli.get("queues"));
  if (const auto* problem = std::get_if<std::string>(&queues)) return "--queues: " + *problem;
  QueueWeights& weighted = std::get<QueueWeights>(queues);
  c.queues = weighted.names;
  if (!weighted.strict && cli.get("strict") != "true") c.weights = weighted.weights;
  c.fire_schedules = cli.get("no-schedules") != "true";
  c.concurrency = static_cast<std::size_t>(r.integer("concurrency", 1, 100'000));
  c.cpu_threads = static_cast<std::size_t>(r.integer("cpu-threads", 0, 1024));
  c.threads = static_cast<std::size_t>(r.integer("threads", 1, 256));
  if (c.threads > c.concurrency) {
    return "--threads must be at most --concurrency: each thread runs at least one job at a time";
  }
  c.id = cli.get("id").empty() ? default_worker_id() : cli.get("id");
  if (!is_valid_worker_id(c.id)) {
    return "--id must be 1 to 128 letters, digits or '.', '_', '-', ':', not '" + c.id + "'";
  }
  c.grace = r.duration("grace");

  c.broker.lease = r.duration("lease");
  if (c.broker.lease < std::chrono::milliseconds(300)) r.fail("lease", "at least 300ms");
  c.broker.worker_ttl = c.broker.lease;
  // The recoverer looks a few times per lease, so a lost run waits little past its lease.
  c.broker.recover_interval = std::min(std::chrono::milliseconds(1000), c.broker.lease / 4);
  c.broker.retry.base = r.duration("retry-base");
  c.broker.retry.cap = r.duration("retry-cap");
  c.broker.result_ttl = r.duration("result-ttl");
  c.broker.blocking_connections = 2;  // one claim blocks at a time (RedisBroker::claim)
  c.broker.listen_for_completions = false;

  c.log.role = "worker";
  c.log.instance = c.id;
  read_log_options(r, cli, c.log);

  if (!r.error().empty()) return r.error();
  return c;
}

std::string default_worker_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "host");
  std::string id = host;
  id += ':';
  id += std::to_string(getpid());
  return id;
}

}  // namespace coqueue::worker
