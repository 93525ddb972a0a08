// GET /metrics: Prometheus text. This server's HTTP requests (every thread's, with --threads);
// and from the backend, shared by every server: jobs by queue and status, runs by queue, type
// and outcome with their durations, recovery times of lost runs; the Redis client's round trips
// and reconnects.

#include <array>
#include <cmath>
#include <map>
#include <set>

#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"
#include "server/handlers/handlers.hpp"
#include "server/live_workers.hpp"
#include "server/prometheus_text.hpp"

namespace coqueue::server::handlers {
namespace {

void write_queues(PrometheusText& out, const QueueStats& stats,
                  const std::map<std::string, std::int64_t>& workers) {
  out.family("coqueue_queue_jobs", "gauge",
             "Jobs of each queue by status, as GET /queues counts them: queued, scheduled and "
             "processing now; completed, failed and cancelled since the queue was first used "
             "(a failed job retried leaves failed).");
  for (const auto& [queue, counts] : stats.queues) {
    for (const JobStatus s : all_job_statuses) {
      out.sample("coqueue_queue_jobs", {{"queue", queue}, {"status", std::string(to_string(s))}},
                 static_cast<double>(counts[s]));
    }
  }
  out.family("coqueue_queue_paused", "gauge", "1 while the queue is paused.");
  for (const auto& [queue, counts] : stats.queues) {
    out.sample("coqueue_queue_paused", {{"queue", queue}}, stats.paused.contains(queue) ? 1 : 0);
  }
  out.family("coqueue_queue_dead_letters", "gauge",
             "Failed jobs held as the queue's dead letters (not yet retried, requeued or purged).");
  for (const auto& [queue, counts] : stats.queues) {
    const auto dead = stats.dead.find(queue);
    out.sample("coqueue_queue_dead_letters", {{"queue", queue}},
               dead == stats.dead.end() ? 0.0 : static_cast<double>(dead->second));
  }
  out.family("coqueue_queue_oldest_queued_age_seconds", "gauge",
             "How long the queue's next due job has waited since it was submitted (0: none).");
  for (const auto& [queue, counts] : stats.queues) {
    const auto age = stats.oldest_queued_age_ms.find(queue);
    out.sample("coqueue_queue_oldest_queued_age_seconds", {{"queue", queue}},
               age == stats.oldest_queued_age_ms.end() ? 0.0 : age->second / 1000.0);
  }
  out.family("coqueue_queue_workers", "gauge", "Live workers that serve the queue.");
  std::set<std::string> names;
  for (const auto& [queue, counts] : stats.queues) names.insert(queue);
  for (const auto& [queue, n] : workers) names.insert(queue);
  for (const std::string& queue : names) {
    const auto n = workers.find(queue);
    out.sample("coqueue_queue_workers", {{"queue", queue}},
               n == workers.end() ? 0.0 : static_cast<double>(n->second));
  }
}

void write_jobs(PrometheusText& out, const JobMetrics& m) {
  out.family("coqueue_job_runs_total", "counter",
             "Runs ended, by queue, job type and outcome (completed, failed, retry, cancelled, "
             "handed_back), as the workers reported them.");
  for (const auto& [key, stats] : m.runs) {
    out.sample("coqueue_job_runs_total",
               {{"queue", key.queue}, {"type", key.type}, {"outcome", key.outcome}},
               static_cast<double>(stats.count));
  }
  out.family("coqueue_job_run_duration_seconds", "histogram",
             "How long runs took in the worker, by queue, job type and outcome.");
  for (const auto& [key, stats] : m.runs) {
    out.histogram("coqueue_job_run_duration_seconds",
                  {{"queue", key.queue}, {"type", key.type}, {"outcome", key.outcome}},
                  run_duration_bounds(), stats.buckets, stats.sum_seconds, stats.count);
  }
  out.family("coqueue_job_recovery_seconds", "histogram",
             "From a lost run's last sign of life to the job running again, by queue.");
  for (const auto& [queue, stats] : m.recoveries) {
    out.histogram("coqueue_job_recovery_seconds", {{"queue", queue}}, recovery_time_bounds(),
                  stats.buckets, stats.sum_seconds, stats.count);
  }
  out.family("coqueue_job_latency_seconds", "histogram",
             "From a job's submission to the end of its completed run, by queue.");
  for (const auto& [queue, stats] : m.latencies) {
    out.histogram("coqueue_job_latency_seconds", {{"queue", queue}}, latency_bounds(),
                  stats.buckets, stats.sum_seconds, stats.count);
  }
}

void write_redis(PrometheusText& out, const redis::Metrics& m) {
  const auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    out.family(name, "counter", help);
    out.sample(name, {}, static_cast<double>(value));
  };
  counter("coqueue_redis_commands_total", "Commands this server sent to Redis.", m.commands);
  counter("coqueue_redis_error_replies_total", "Error replies from Redis.", m.error_replies);
  counter("coqueue_redis_timeouts_total", "Requests to Redis that gave up waiting.", m.timeouts);
  counter("coqueue_redis_connects_total", "Connections made to Redis, the first included.",
          m.connects);
  counter("coqueue_redis_disconnects_total", "Links to Redis lost.", m.disconnects);
  // Bucket i of the client counts round trips under 2^i microseconds.
  std::vector<double> bounds;
  std::vector<std::uint64_t> buckets(m.round_trip_us_log2.begin(), m.round_trip_us_log2.end());
  std::uint64_t count = 0;
  double sum = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (i + 1 < buckets.size()) bounds.push_back(std::ldexp(1e-6, static_cast<int>(i)));
    count += buckets[i];
    // The sum is estimated at each bucket's middle: the client keeps no exact sum.
    sum += static_cast<double>(buckets[i]) * std::ldexp(0.75e-6, static_cast<int>(i));
  }
  out.family("coqueue_redis_round_trip_seconds", "histogram",
             "Round trips of requests to Redis, from write to last reply (sum estimated).");
  out.histogram("coqueue_redis_round_trip_seconds", {}, bounds, buckets, sum, count);
}

}  // namespace

awaitable<Response> metrics(Context ctx) {
  PrometheusText out;
  const MetricsSnapshot process = co_await ctx.api.process_metrics();
  process.http.write(out);
  bool backend_up = true;
  try {
    const QueueStats stats = co_await ctx.broker.stats();
    const JobMetrics jobs = co_await ctx.broker.job_metrics();
    const std::vector<boost::json::object> live = co_await ctx.broker.workers();
    write_queues(out, stats, workers_per_queue(live));
    write_jobs(out, jobs);
  } catch (const std::system_error& e) {
    if (e.code().category() != redis::redis_category()) throw;
    backend_up = false;  // still answer: this server's own figures are worth having
  }
  out.family("coqueue_backend_up", "gauge",
             "1 when the backend answered this scrape; 0 when the queue figures are missing.");
  out.sample("coqueue_backend_up", {}, backend_up ? 1 : 0);
  if (process.redis) write_redis(out, *process.redis);

  Response r;
  r.body = out.text();
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  co_return r;
}

}  // namespace coqueue::server::handlers
