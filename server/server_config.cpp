#include "server/server_config.hpp"

#include "core/redis/url_option.hpp"
#include "core/support/log_options.hpp"
#include "core/support/option_reader.hpp"
#include "core/support/units.hpp"

namespace coqueue::server {

void declare_server_options(CommandLine& cli) {
  cli.add("listen", "127.0.0.1:8080", "address and port to serve HTTP on (port 0: any free port)");
  cli.add_switch("reuse-port", "set SO_REUSEPORT, so several servers can share the port");
  cli.add("backend", "auto",
          "where jobs live: redis (shared by every process), memory (this process only), or auto "
          "(redis when it answers at start, else memory)");
  redis::declare_url_option(cli, "Redis URL: redis://[user[:pass]@]host[:port][/db]");
  redis::declare_password_file_option(cli);
  cli.add("workers", "4",
          "in-process worker coroutines running jobs (default 0 with Redis, where worker "
          "processes run them)");
  cli.add("queues", "default", "queues the in-process workers take jobs from, comma-separated");
  cli.add("types", "",
          "job types to accept besides the built-in ones and those workers advertise, "
          "comma-separated (for submitting before any worker of that type is up)");
  cli.add("cpu-threads", "0", "threads for CPU-heavy jobs (0: one per core)");
  cli.add("threads", "1",
          "threads serving HTTP, each with its own Redis connections, on the shared port (more "
          "than 1 needs the Redis backend)");
  cli.add("grace", "30s", "at SIGTERM, how long in-flight requests and jobs may take to finish");
  cli.add("max-body", "1MiB", "largest request body accepted (413 beyond)");
  cli.add("max-header", "16KiB", "largest request header block accepted (431 beyond)");
  cli.add("header-timeout", "10s", "a request's headers must arrive within this");
  cli.add("idle-timeout", "60s", "idle keep-alive connections close after this");
  cli.add("body-timeout", "30s", "a request's body must arrive within this after its headers");
  cli.add("max-connections", "10000", "open connections; at the cap the oldest idle one closes");
  cli.add("ws-outbox", "1024",
          "messages waiting to be sent on one WebSocket; a client that lets more pile up is "
          "dropped (close code 1008)");
  cli.add("max-wait", "30s", "cap on GET /jobs/<id>?wait_ms=");
  cli.add("retry-base", "1s", "delay before the first retry of a failed run (doubles each time)");
  cli.add("retry-cap", "10m", "longest delay between retries");
  cli.add("result-ttl", "1h", "how long finished jobs stay readable");
  cli.add("idempotency-ttl", "24h",
          "how long an idempotency_key keeps naming its first job (Redis backend; in memory, "
          "as long as the job is kept)");
  cli.add("max-finished", "100000", "finished jobs kept at most (memory backend)");
  cli.add("max-queued", "0",
          "waiting (queued or scheduled) jobs a queue may hold; more are refused with 429 "
          "(0: no cap)");
  declare_log_options(cli);
  cli.add("instance", "", "name of this process in logs (default: random)");
  declare_access_options(cli);
  cli.add("alert-webhook", "",
          "POST alerts as JSON to this http:// URL: new dead letters, a queue with jobs waiting "
          "and no live worker, the backend unreachable (none: no webhook)");
  cli.add("alert-interval", "5s", "how often the alerts' conditions are checked");
  cli.add("alert-repeat", "10m", "a condition that lasts is alerted again this often");
}

std::variant<ServerConfig, std::string> read_server_config(const CommandLine& cli,
                                                           const CommandLine::EnvLookup& env) {
  ServerConfig c;
  auto access = read_access_settings(cli, env);
  if (auto* error = std::get_if<std::string>(&access)) return *error;
  c.access = std::get<AccessSettings>(std::move(access));
  c.alerts.url = cli.get("alert-webhook");
  if (!c.alerts.url.empty()) {
    const auto target = parse_webhook_url(c.alerts.url);
    if (const auto* error = std::get_if<std::string>(&target)) return *error;
  }
  OptionReader r(cli);

  const std::string& listen = cli.get("listen");
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return "--listen must be host:port, not '" + listen + "'";
  c.listen_host = listen.substr(0, colon);
  if (c.listen_host.starts_with('[') && c.listen_host.ends_with(']')) {
    c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  }
  if (c.listen_host.empty()) c.listen_host = "0.0.0.0";
  const auto port = parse_int(std::string_view(listen).substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return "--listen has a bad port in '" + listen + "'";
  c.listen_port = static_cast<unsigned short>(*port);
  c.reuse_port = cli.get("reuse-port") == "true";

  c.backend = cli.get("backend");
  if (c.backend != "memory" && c.backend != "redis" && c.backend != "auto") {
    return "--backend must be auto, redis or memory, not '" + c.backend + "'";
  }
  c.redis_url = cli.get("redis");
  auto redis = redis::read_url_option(cli);
  if (auto* problem = std::get_if<std::string>(&redis)) return *problem;
  c.redis.redis = std::get<redis::Config>(redis);
  if (auto problem = redis::read_password_file_option(cli, c.redis.redis)) return *problem;
  c.redis.redis.fail_fast_when_unreachable = true;  // 503 at once while Redis is away
  c.workers = static_cast<std::size_t>(r.integer("workers", 0, 100'000));
  c.workers_given = cli.is_set("workers");
  c.queues = r.list("queues");
  for (const std::string& q : c.queues) {
    if (!is_valid_queue_name(q)) return "--queues has a bad queue name '" + q + "'";
  }
  if (c.queues.empty()) return "--queues must name at least one queue";
  c.cpu_threads = static_cast<std::size_t>(r.integer("cpu-threads", 0, 1024));
  c.threads = static_cast<std::size_t>(r.integer("threads", 1, 256));
  if (c.threads > 1 && c.backend == "memory") {
    return "--threads above 1 needs the Redis backend: the embedded queue lives in one thread";
  }
  for (const std::string& type : r.list("types")) {
    if (!is_valid_type_name(type, c.api.job_limits.max_type_length)) {
      return "--types has a bad job type name '" + type + "'";
    }
    c.api.extra_types.insert(type);
  }
  c.grace = r.duration("grace");

  c.http.body_limit = r.size("max-body");
  c.http.header_limit = static_cast<std::uint32_t>(r.size("max-header"));
  c.http.header_timeout = r.duration("header-timeout");
  c.http.idle_timeout = r.duration("idle-timeout");
  c.http.body_timeout = r.duration("body-timeout");
  c.http.max_connections = static_cast<std::size_t>(r.integer("max-connections", 1, 1'000'000));
  c.http.websocket.max_outbox_messages =
      static_cast<std::size_t>(r.integer("ws-outbox", 1, 1'000'000));
  c.api.max_wait = r.duration("max-wait");
  c.alerts.check_interval = r.duration("alert-interval");
  c.alerts.repeat = r.duration("alert-repeat");
  if (c.alerts.check_interval.count() <= 0) r.fail("alert-interval", "a positive duration");

  c.memory.retry.base = r.duration("retry-base");
  c.memory.retry.cap = r.duration("retry-cap");
  c.memory.result_ttl = r.duration("result-ttl");
  c.memory.max_queue_length =
      static_cast<std::size_t>(r.integer("max-queued", 0, 1'000'000'000'000));
  c.redis.max_queue_length = c.memory.max_queue_length;
  c.redis.retry = c.memory.retry;
  c.redis.result_ttl = c.memory.result_ttl;
  c.redis.idempotency_ttl = r.duration("idempotency-ttl");
  if (c.redis.idempotency_ttl.count() <= 0) r.fail("idempotency-ttl", "a positive duration");
  c.memory.max_finished_jobs = static_cast<std::size_t>(r.integer("max-finished", 0, 100'000'000));

  c.log.role = "server";
  c.log.instance = cli.get("instance");
  read_log_options(r, cli, c.log);

  if (!r.error().empty()) return r.error();
  return c;
}

}  // namespace coqueue::server
