#include "core/queue/redis_broker.hpp"

#include <span>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/canonical_json.hpp"
#include "core/queue/queue_scripts.hpp"
#include "core/queue/redis_job_codec.hpp"
#include "core/queue/redis_job_metrics.hpp"
#include "core/queue/redis_keys.hpp"
#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"

namespace coqueue {
namespace {

using Clock = std::chrono::steady_clock;

std::string now_ms() {
  return std::to_string(unix_millis(std::chrono::system_clock::now()));
}

const std::string empty_status = "{}";  // a worker that has not reported its status yet

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count());
}

// BLMOVE's timeout is in seconds, with decimals.
std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

[[noreturn]] void throw_redis(const std::error_code& ec, std::string_view what) {
  throw std::system_error(ec, std::string(what));
}

// Outcomes filled in out of order, every one of them by now.
std::vector<EnqueueOutcome> all_answered(std::vector<std::optional<EnqueueOutcome>> out) {
  std::vector<EnqueueOutcome> results;
  results.reserve(out.size());
  for (auto& r : out) results.push_back(std::move(*r));
  return results;
}

void spawn_logged(executor ex, awaitable<void> task, const char* name) {
  asio::co_spawn(ex, std::move(task), [name](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::error("queue.task_failed", {{"task", name}, {"error", e.what()}});
    }
  });
}

}  // namespace

RedisBroker::RedisBroker(executor ex, RedisBrokerSettings settings)
    : ex_(ex),
      settings_(std::move(settings)),
      conn_(ex, settings_.redis),
      blocking_(ex, settings_.redis, settings_.blocking_connections),
      subscriber_(ex, settings_.redis),
      enqueue_script_("enqueue", std::string(scripts::enqueue_lua)),
      take_script_("take", std::string(scripts::take_lua)),
      activate_script_("activate", std::string(scripts::activate_lua)),
      release_script_("release", std::string(scripts::release_lua)),
      fail_script_("fail", std::string(scripts::fail_lua)),
      cancel_script_("cancel", std::string(scripts::cancel_lua)),
      promote_script_("promote", std::string(scripts::promote_lua)),
      extend_script_("extend", std::string(scripts::extend_lua)),
      recover_script_("recover", std::string(scripts::recover_lua)),
      hand_back_script_("hand_back", std::string(scripts::hand_back_lua)),
      requeue_dead_script_("requeue_dead", std::string(scripts::requeue_dead_lua)),
      purge_dead_script_("purge_dead", std::string(scripts::purge_dead_lua)),
      progress_script_("progress", std::string(scripts::progress_lua)),
      list_jobs_script_("list_jobs", std::string(scripts::list_jobs_lua)),
      sweep_index_script_("sweep_index", std::string(scripts::sweep_index_lua)),
      advance_schedule_script_("advance_schedule", std::string(scripts::advance_schedule_lua)),
      completions_(ex, conn_,
                   {settings_.result_ttl, settings_.redis.request_timeout, /*max_batch=*/200}),
      enqueues_(
          ex, [this](std::vector<JobSpec> specs) { return enqueue_batch(std::move(specs)); },
          /*max_batch=*/200),
      hub_(ex),
      rng_(std::random_device{}()) {}

RedisBroker::~RedisBroker() {
  close();
}

void RedisBroker::start() {
  if (started_) return;
  started_ = true;
  // After a reconnect Redis may be a new (or flushed) server: register queues again.
  conn_.on_connect([this] { known_queues_.clear(); });
  conn_.start();
  blocking_.start();
  subscriber_.start();
  if (settings_.listen_for_completions) {
    done_ = subscriber_.psubscribe(keys::done_pattern());
    spawn_logged(ex_, listen_done(alive_), "listen_done");
    changed_ = subscriber_.psubscribe(keys::changed_pattern());
    spawn_logged(ex_, listen_changed(alive_), "listen_changed");
  }
  cancels_ = subscriber_.subscribe(keys::cancel_channel());
  spawn_logged(ex_, listen_cancel(alive_), "listen_cancel");
  spawn_logged(ex_, forward_scheduled(alive_), "forward_scheduled");
  if (settings_.run_recoverer) spawn_logged(ex_, recover_periodically(alive_), "recover");
}

void RedisBroker::close() {
  if (!*alive_) return;
  *alive_ = false;
  completions_.close();
  enqueues_.close();
  conn_.close();
  blocking_.close();
  subscriber_.close();
  hub_.notify_all();
}

// Redis may answer that it cannot serve now (loading its data after a restart, a busy script, a
// replica after a failover): that is the backend being unavailable, not an answer to read.
void throw_if_transient(const redis::Replies& replies, std::string_view what) {
  for (const redis::RespValue& reply : replies) {
    if (redis::is_transient_error(reply)) {
      throw std::system_error(make_error_code(redis::redis_errc::server_busy),
                              std::string(what) + ": " + reply.text);
    }
  }
}

awaitable<redis::Replies> RedisBroker::exec(redis::Request request) {
  redis::ExecResult result = co_await conn_.exec(std::move(request));
  if (!result) throw_redis(result.error(), "redis");
  throw_if_transient(*result, "redis");
  co_return std::move(*result);
}

awaitable<redis::RespValue> RedisBroker::run_script(redis::Script& script,
                                                    std::vector<std::string> keys,
                                                    std::vector<std::string> args) {
  redis::ExecResult result =
      co_await script.run(conn_, std::move(keys), std::move(args), settings_.redis.request_timeout);
  if (!result) throw_redis(result.error(), "redis script " + script.name());
  throw_if_transient(*result, "redis script " + script.name());
  redis::RespValue reply = std::move(result->front());
  if (reply.is_error()) {
    throw std::runtime_error("redis script " + script.name() + " failed: " + reply.text);
  }
  co_return reply;
}

awaitable<bool> RedisBroker::ready() {
  redis::Request ping;
  ping.push("PING");
  const redis::ExecResult result = co_await conn_.exec(std::move(ping));
  co_return result.has_value() && !result->front().is_error();
}

awaitable<EnqueueOutcome> RedisBroker::enqueue(JobSpec spec) {
  return enqueues_.enqueue(std::move(spec));
}

awaitable<std::vector<EnqueueOutcome>> RedisBroker::enqueue_many(std::vector<JobSpec> specs) {
  // The jobs of each queue go together (one script run each), in chunks that keep a script
  // run short enough for Redis to serve others in between.
  constexpr std::size_t max_batch = 1000;
  std::vector<std::optional<EnqueueOutcome>> out(specs.size());
  std::map<std::string, std::vector<std::size_t>> by_queue;
  for (std::size_t i = 0; i < specs.size(); ++i) by_queue[specs[i].queue].push_back(i);
  for (const auto& [queue, indexes] : by_queue) {
    for (std::size_t from = 0; from < indexes.size(); from += max_batch) {
      const std::size_t to = std::min(indexes.size(), from + max_batch);
      std::vector<JobSpec> batch;
      for (std::size_t k = from; k < to; ++k) batch.push_back(std::move(specs[indexes[k]]));
      std::vector<EnqueueOutcome> done = co_await enqueue_batch(std::move(batch));
      for (std::size_t k = from; k < to; ++k) out[indexes[k]] = std::move(done[k - from]);
    }
  }
  co_return all_answered(std::move(out));
}

std::string RedisBroker::new_job_id(std::string_view queue) {
  return ids_.next(std::chrono::system_clock::now(), queue);
}

awaitable<std::vector<EnqueueOutcome>> RedisBroker::enqueue_batch(std::vector<JobSpec> specs) {
  const SystemTime created = std::chrono::system_clock::now();
  const std::string& q = specs.front().queue;
  std::vector<std::string> ids;
  ids.reserve(specs.size());
  for (JobSpec& spec : specs) {
    ids.push_back(spec.id.empty() ? ids_.next(created, q) : std::move(spec.id));
  }

  // The ids carry the queue's tag; the queue is registered under it before its first job
  // exists, in the same round trip, so a job can be found by id the moment it exists. Both
  // commands are safe to repeat.
  redis::Request first;
  const bool register_queue = !known_queues_.contains(q);
  if (register_queue) {
    first.push("SADD", keys::queues(), q);
    first.push("SADD", keys::queues_tagged(queue_tag(q)), q);
  }
  const std::size_t first_commands = first.commands();

  std::vector<std::string> script_keys{keys::pending(q), keys::scheduled(q), keys::counts(q),
                                       keys::sleepers(q), keys::index(q)};
  std::vector<std::string> script_args{q, std::to_string(unix_millis(created)),
                                       ms(settings_.idempotency_ttl), keys::job_prefix(q),
                                       std::to_string(settings_.max_queue_length)};
  script_keys.reserve(5 + 2 * specs.size());
  script_args.reserve(5 + 9 * specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const JobSpec& spec = specs[i];
    const std::string idem = spec.idempotency_key.value_or("");
    script_keys.push_back(keys::job(q, ids[i]));
    script_keys.push_back(keys::idempotency(q, idem));
    script_args.push_back(ids[i]);
    script_args.push_back(spec.type);
    script_args.push_back(boost::json::serialize(spec.payload));
    script_args.push_back(std::to_string(spec.max_attempts));
    script_args.push_back(spec.timeout_ms ? std::to_string(*spec.timeout_ms) : "");
    script_args.push_back(idem);
    script_args.push_back(idem.empty() ? "" : canonical_json(spec.fingerprint()));
    script_args.push_back(std::to_string(spec.delay_ms));
    script_args.push_back(spec.awaited ? "1" : "");
  }
  redis::ExecResult result =
      co_await enqueue_script_.run_after(conn_, std::move(first), std::move(script_keys),
                                         std::move(script_args), settings_.redis.request_timeout);
  if (!result) throw_redis(result.error(), "redis script enqueue");
  throw_if_transient(*result, "redis script enqueue");
  if (register_queue && result->size() == first_commands + 1) {
    known_queues_.insert(q);
    remember_queue(q);
  }
  const redis::RespValue& reply = result->back();
  if (reply.is_error()) throw std::runtime_error("redis script enqueue failed: " + reply.text);
  if (reply.elements.size() != 2 * specs.size() + 1) {
    throw std::runtime_error("enqueue: bad reply");
  }

  std::vector<std::optional<EnqueueOutcome>> out(specs.size());
  // One more round trip, only for idempotent repeats: their earlier jobs are read.
  redis::Request after;
  std::vector<std::size_t> repeats;  // their place in `out`, in the order of their HGETALLs
  for (std::size_t i = 0; i < specs.size(); ++i) {
    JobSpec& spec = specs[i];
    const std::int64_t code = reply.elements[2 * i].integer;
    if (code == 1) {
      // Created as asked: the record is what was sent, no need to read it back.
      Job job;
      job.id = ids[i];
      job.queue = q;
      job.type = std::move(spec.type);
      job.payload = std::move(spec.payload);
      job.status = spec.delay_ms > 0 ? JobStatus::scheduled : JobStatus::queued;
      job.max_attempts = spec.max_attempts;
      job.timeout_ms = spec.timeout_ms;
      job.idempotency_key = spec.idempotency_key;
      job.created_at = SystemTime{std::chrono::milliseconds(unix_millis(created))};
      if (spec.delay_ms > 0) job.run_at = job.created_at + std::chrono::milliseconds(spec.delay_ms);
      out[i] = EnqueueResult{std::move(job), true};
      continue;
    }
    if (code == -1) {
      out[i] = make_error_code(queue_errc::idempotency_conflict);
    } else if (code == -2) {
      out[i] = make_error_code(queue_errc::queue_full);
    } else {
      after.push("HGETALL", keys::job(q, reply.elements[2 * i + 1].text));  // same queue
      repeats.push_back(i);
    }
  }
  if (after.commands() > 0) {
    const redis::Replies replies = co_await exec(std::move(after));
    std::size_t next = 0;
    for (const redis::RespValue& r : replies) {
      std::optional<Job> job = job_from_redis_hash(r);
      if (!job) throw std::runtime_error("enqueue: an earlier job vanished");
      out[repeats[next++]] = EnqueueResult{std::move(*job), false};
    }
  }
  co_await wake(reply.elements.back());
  co_return all_answered(std::move(out));
}

void RedisBroker::remember_queue(const std::string& queue) {
  std::vector<std::string>& names = queues_by_tag_[queue_tag(queue)];
  if (std::find(names.begin(), names.end(), queue) == names.end()) names.push_back(queue);
}

awaitable<std::optional<std::string>> RedisBroker::find_in(const std::vector<std::string>& queues,
                                                           const std::string& id,
                                                           std::optional<Job>* job) {
  redis::Request r;
  for (const std::string& q : queues) r.push(job ? "HGETALL" : "EXISTS", keys::job(q, id));
  const redis::Replies replies = co_await exec(std::move(r));
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (job) {
      *job = job_from_redis_hash(replies[i]);
      if (*job) co_return queues[i];
    } else if (replies[i].integer == 1) {
      co_return queues[i];
    }
  }
  co_return std::nullopt;
}

awaitable<std::optional<std::string>> RedisBroker::locate(const std::string& id,
                                                          std::optional<Job>* job) {
  if (!is_job_id(id)) co_return std::nullopt;
  const std::uint16_t tag = queue_tag_of(id);
  // Usually one queue has the tag, and this process has seen it: one round trip.
  std::vector<std::string> tried;
  if (const auto seen = queues_by_tag_.find(tag); seen != queues_by_tag_.end()) {
    tried = seen->second;
    if (std::optional<std::string> q = co_await find_in(tried, id, job)) co_return q;
  }
  // Not there: the job may be in a queue this process has not seen yet, under the same tag.
  redis::Request names;
  names.push("SMEMBERS", keys::queues_tagged(tag));
  const redis::Replies replies = co_await exec(std::move(names));
  std::vector<std::string> untried;
  for (const redis::RespValue& name : replies.front().elements) {
    remember_queue(name.text);
    if (std::find(tried.begin(), tried.end(), name.text) == tried.end()) {
      untried.push_back(name.text);
    }
  }
  if (untried.empty()) co_return std::nullopt;
  co_return co_await find_in(untried, id, job);
}

awaitable<std::optional<std::string>> RedisBroker::queue_of(const std::string& id) {
  co_return co_await locate(id, nullptr);
}

awaitable<std::optional<Job>> RedisBroker::get(std::string id) {
  std::optional<Job> job;
  co_await locate(id, &job);
  co_return job;
}

awaitable<std::optional<Job>> RedisBroker::get_in_queue(std::string queue, std::string id) {
  redis::Request r;
  r.push("HGETALL", keys::job(queue, id));
  redis::Replies replies = co_await exec(std::move(r));
  co_return job_from_redis_hash(replies.front());
}

void RedisBroker::hold(const std::string& queue, const std::string& worker, const Job& job,
                       std::string run) {
  if (run.empty()) throw std::runtime_error("a claimed job without a run number");
  held_[job.id] = Held{queue, worker, std::move(run), job.attempts, job.max_attempts, job.awaited};
}

awaitable<CancelResult> RedisBroker::cancel(std::string id) {
  const std::optional<std::string> queue = co_await queue_of(id);
  if (!queue) co_return CancelResult{CancelOutcome::not_found, std::nullopt};
  const std::string& q = *queue;
  std::vector<std::string> script_keys{keys::job(q, id), keys::scheduled(q), keys::counts(q),
                                       keys::expiring(q)};
  std::vector<std::string> script_args{id, now_ms(), ms(settings_.result_ttl),
                                       keys::done_channel(q), keys::cancel_channel()};
  const redis::RespValue reply =
      co_await run_script(cancel_script_, std::move(script_keys), std::move(script_args));
  std::optional<Job> job = co_await get_in_queue(q, id);
  switch (reply.integer) {
    case 1: co_return CancelResult{CancelOutcome::cancelled, std::move(job)};
    case 2: co_return CancelResult{CancelOutcome::already_finished, std::move(job)};
    case 3: co_return CancelResult{CancelOutcome::cancel_requested, std::move(job)};
    default: co_return CancelResult{CancelOutcome::not_found, std::nullopt};
  }
}

awaitable<QueueStats> RedisBroker::stats() {
  redis::Request members;
  members.push("SMEMBERS", keys::queues());
  const redis::Replies names = co_await exec(std::move(members));
  QueueStats stats;
  if (names.front().elements.empty()) co_return stats;
  redis::Request counts;
  for (const redis::RespValue& name : names.front().elements) {
    counts.push("HGETALL", keys::counts(name.text));
    counts.push("EXISTS", keys::paused(name.text));
    counts.push("LINDEX", keys::pending(name.text), -1);  // the due end: the next job out
    counts.push("LLEN", keys::dead(name.text));
  }
  const redis::Replies replies = co_await exec(std::move(counts));
  redis::Request heads;
  std::vector<std::string> head_queues;
  for (std::size_t i = 0; 4 * i < replies.size(); ++i) {
    const std::string& name = names.front().elements[i].text;
    if (replies[4 * i + 1].integer == 1) stats.paused.insert(name);
    stats.dead[name] = replies[4 * i + 3].integer;
    StatusCounts& c = stats.queues[name];
    const auto& e = replies[4 * i].elements;
    for (std::size_t j = 0; j + 1 < e.size(); j += 2) {
      if (auto status = parse_job_status(e[j].text)) c[*status] = std::stoll(e[j + 1].text);
    }
    if (!replies[4 * i + 2].is_null()) {
      heads.push("HMGET", keys::job(name, replies[4 * i + 2].text), "status", "created_at");
      head_queues.push_back(name);
    }
  }
  if (head_queues.empty()) co_return stats;
  // The next job due of each queue: how long it has waited (a cancelled one is not counted).
  const redis::Replies fields = co_await exec(std::move(heads));
  const std::int64_t now = unix_millis(std::chrono::system_clock::now());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i].elements;
    if (f.size() == 2 && f[0].text == "queued" && !f[1].text.empty()) {
      stats.oldest_queued_age_ms[head_queues[i]] =
          std::max<std::int64_t>(0, now - std::stoll(f[1].text));
    }
  }
  co_return stats;
}

awaitable<void> RedisBroker::add_job_metrics(JobMetrics delta) {
  if (delta.empty()) co_return;
  redis::Request request;
  push_job_metrics(request, delta);
  co_await exec(std::move(request));
}

awaitable<JobMetrics> RedisBroker::job_metrics() {
  redis::Request members;
  members.push("SMEMBERS", keys::queues());
  const redis::Replies names = co_await exec(std::move(members));
  JobMetrics metrics;
  if (names.front().elements.empty()) co_return metrics;
  redis::Request read;
  for (const redis::RespValue& name : names.front().elements) {
    read.push("HGETALL", keys::metrics(name.text));
  }
  const redis::Replies replies = co_await exec(std::move(read));
  for (std::size_t i = 0; i < replies.size(); ++i) {
    read_job_metrics(names.front().elements[i].text, replies[i], metrics);
  }
  co_return metrics;
}

std::optional<redis::Metrics> RedisBroker::redis_metrics() const {
  return conn_.metrics();
}

awaitable<std::optional<Job>> RedisBroker::activate(const std::string& queue, const std::string& id,
                                                    const std::string& worker) {
  std::vector<std::string> script_keys{keys::job(queue, id), keys::processing(queue, worker),
                                       keys::counts(queue), keys::pending(queue),
                                       keys::paused(queue)};
  std::vector<std::string> script_args{id, worker, now_ms(), ms(settings_.lease),
                                       keys::changed_channel(queue)};
  const redis::RespValue reply =
      co_await run_script(activate_script_, std::move(script_keys), std::move(script_args));
  if (reply.is_null()) co_return std::nullopt;  // cancelled while it waited
  std::optional<Job> job = job_from_redis_hash(reply);
  if (job) hold(queue, worker, *job, redis_hash_field(reply, "run"));
  co_return job;
}

awaitable<std::size_t> RedisBroker::take_now(const std::vector<std::string>& queues,
                                             const std::string& worker, std::size_t wanted,
                                             std::deque<Job>& into, std::set<std::string>& paused) {
  std::size_t taken = 0;
  for (const std::string& q : queues) {
    if (taken >= wanted) break;
    std::vector<std::string> script_keys{keys::pending(q), keys::processing(q, worker),
                                         keys::counts(q), keys::paused(q)};
    const std::int64_t now = unix_millis(std::chrono::system_clock::now());
    std::vector<std::string> script_args{worker,
                                         std::to_string(now),
                                         ms(settings_.lease),
                                         keys::job_prefix(q),
                                         std::to_string(wanted - taken),
                                         keys::changed_channel(q)};
    const redis::RespValue reply =
        co_await run_script(take_script_, std::move(script_keys), std::move(script_args));
    if (reply.type == redis::RespType::integer) {  // paused
      paused.insert(q);
      continue;
    }
    if (reply.elements.size() % take_reply_fields != 0) {
      throw std::runtime_error("take: bad reply");
    }
    const SystemTime started{std::chrono::milliseconds(now)};
    const std::span<const redis::RespValue> values(reply.elements);
    for (std::size_t i = 0; i < values.size(); i += take_reply_fields) {
      std::string run;
      Job job = job_from_take_reply(values.subspan(i, take_reply_fields), q, worker, started, run);
      hold(q, worker, job, std::move(run));
      into.push_back(std::move(job));
      ++taken;
    }
  }
  co_return taken;
}

awaitable<void> RedisBroker::release_stranded(const std::vector<std::string>& queues,
                                              const std::string& worker) {
  for (const std::string& q : queues) {
    std::vector<std::string> script_keys{keys::processing(q, worker), keys::pending(q),
                                         keys::counts(q)};
    std::vector<std::string> script_args{keys::job_prefix(q), worker};
    for (const auto& [id, held] : held_) {
      if (held.worker == worker && held.queue == q) script_args.push_back(id);
    }
    const redis::RespValue returned =
        co_await run_script(release_script_, std::move(script_keys), std::move(script_args));
    if (returned.integer > 0) {
      log::info("queue.ids_returned",
                {{"queue", q}, {"worker", worker}, {"count", returned.integer}});
    }
  }
}

// The claims of one worker share one fetch at a time: a claim that finds nothing ready fetches
// for all the claims waiting with it (one take.lua run for up to that many jobs), and the others
// sleep until it is done. So a deep queue is drained in batches, while an idle worker has a
// single BLMOVE blocked in Redis.
awaitable<std::optional<Job>> RedisBroker::claim(std::vector<std::string> queues,
                                                 std::string worker_id,
                                                 std::chrono::milliseconds max_wait) {
  constexpr std::size_t max_batch = 100;
  const auto deadline = Clock::now() + max_wait;
  Claimers& c = claimers_[worker_id];
  const std::uint64_t interrupts = c.interrupts;
  ++c.waiting;
  struct Waiting {
    Claimers& c;
    ~Waiting() { --c.waiting; }
  } waiting{c};

  for (;;) {
    if (c.interrupts != interrupts || !*alive_) co_return std::nullopt;
    if (!c.ready.empty()) {
      Job job = std::move(c.ready.front());
      c.ready.pop_front();
      co_return job;
    }
    if (c.fetching) {
      const bool expired = co_await wait_for_fetch(c, deadline);
      if (expired && c.ready.empty()) co_return std::nullopt;
      continue;
    }
    c.fetching = true;
    struct Fetching {
      Claimers& c;
      ~Fetching() {
        c.fetching = false;
        for (asio::steady_timer* sleeper : c.sleepers) sleeper->cancel();
      }
    } fetching{c};
    co_await prepare_to_claim(queues, worker_id, c);
    const std::size_t wanted = std::min(c.waiting, max_batch);
    c.tidy = false;  // until take.lua answers: its effect is unknown if the reply is lost
    std::set<std::string> paused;
    const std::size_t taken = co_await take_now(queues, worker_id, wanted, c.ready, paused);
    c.tidy = true;
    if (taken > 0) continue;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || queues.empty()) co_return std::nullopt;
    std::vector<std::string> open;  // the queues to wait on: the ones not paused
    for (const std::string& q : queues) {
      if (!paused.contains(q)) open.push_back(q);
    }
    std::optional<Job> waited = co_await block_for_job(open, worker_id, c, deadline);
    if (waited) c.ready.push_back(std::move(*waited));
  }
}

awaitable<void> RedisBroker::wake(const redis::RespValue& sleepers) {
  if (sleepers.elements.empty()) co_return;
  // A marker on each sleeper's wake list (its own slot); one is enough, and a list left by a
  // worker that died goes away by itself.
  redis::Request wake;
  for (const redis::RespValue& worker : sleepers.elements) {
    const std::string list = keys::wake(worker.text);
    wake.push("RPUSH", list, "1");
    wake.push("LTRIM", list, -1, -1);
    wake.push("PEXPIRE", list, 60'000);
  }
  co_await exec(std::move(wake));
}

awaitable<bool> RedisBroker::wait_for_fetch(Claimers& c, SteadyTime deadline) {
  asio::steady_timer timer(ex_, deadline);
  const auto me = c.sleepers.insert(c.sleepers.end(), &timer);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  c.sleepers.erase(me);
  co_return !ec;  // not cancelled: the deadline came
}

awaitable<void> RedisBroker::prepare_to_claim(const std::vector<std::string>& queues,
                                              const std::string& worker, Claimers& c) {
  if (!c.registered) {
    // First claim of this worker in this process: what a previous life under the same id left
    // in its processing lists is recovered first; then it must be known alive before it holds
    // a job, and be found by the recoverer.
    co_await recover_own(queues, worker);
    redis::Request hello;
    push_alive(hello, worker);
    for (const std::string& q : queues) {
      hello.push("SADD", keys::workers(q), worker);
      // The queue is known from now on (GET /queues, GET /workers), before its first job.
      hello.push("SADD", keys::queues(), q);
    }
    co_await exec(std::move(hello));
    c.registered = queues;
    c.tidy = true;
  } else if (!c.tidy) {
    // A claim of this worker failed half way (its reply was lost): what it may have moved or
    // activated goes back to pending.
    co_await release_stranded(queues, worker);
    c.tidy = true;
  }
}

// Every queue was empty. With one queue: BLMOVE on it. With several (each in its own cluster
// slot, so no one command can block on all): the worker puts itself in each queue's sleepers
// set, looks once more, and blocks on its own wake list, which enqueue.lua and promote.lua
// have their callers push to. Either way it wakes at once when a job arrives on any queue.
awaitable<std::optional<Job>> RedisBroker::block_for_job(const std::vector<std::string>& queues,
                                                         const std::string& worker, Claimers& c,
                                                         SteadyTime deadline) {
  if (queues.empty()) {
    // Every queue is paused: look again after max_block (a resume is seen by then).
    asio::steady_timer pause(ex_, std::min(deadline, Clock::now() + settings_.max_block));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return std::nullopt;
  }
  std::optional<redis::BlockingPool::Lease> lease = co_await blocking_.acquire(deadline);
  if (!lease) co_return std::nullopt;  // no blocking connection came free in time
  const auto block =
      std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
               settings_.max_block);
  if (block.count() <= 0) co_return std::nullopt;
  if (queues.size() > 1) {
    co_await sleep_until_woken(queues, worker, std::move(*lease), block);
    co_return std::nullopt;  // the claim looks at every queue again
  }
  const std::string& q = queues.front();
  redis::Request wait;
  wait.push("BLMOVE", keys::pending(q), keys::processing(q, worker), "RIGHT", "LEFT",
            seconds_text(block));
  const redis::ExecResult moved =
      co_await lease->connection().exec(std::move(wait), block + settings_.redis.request_timeout);
  if (!moved) {
    // It may still have moved an id on the server: that connection goes, and the id is
    // returned to pending by the next tidy.
    lease->mark_broken();
    c.tidy = false;
    if (!*alive_) co_return std::nullopt;
    throw_redis(moved.error(), "redis BLMOVE");
  }
  lease.reset();  // the connection is free while this claim activates
  if (!moved->front().is_string()) co_return std::nullopt;
  c.tidy = false;  // until activate.lua answers
  std::optional<Job> job = co_await activate(q, moved->front().text, worker);
  c.tidy = true;
  co_return job;
}

awaitable<void> RedisBroker::sleep_until_woken(const std::vector<std::string>& queues,
                                               const std::string& worker,
                                               redis::BlockingPool::Lease lease,
                                               std::chrono::milliseconds block) {
  // Registered first, then a last look: a job that came between the claim's look and the
  // registration is seen now; one that comes after finds this worker in the sleepers set.
  redis::Request sleep;
  for (const std::string& q : queues) {
    sleep.push("SADD", keys::sleepers(q), worker);
    sleep.push("LLEN", keys::pending(q));
  }
  const redis::Replies looked = co_await exec(std::move(sleep));
  for (std::size_t i = 1; i < looked.size(); i += 2) {
    if (looked[i].integer > 0) co_return;
  }
  redis::Request wait;
  wait.push("BLPOP", keys::wake(worker), seconds_text(block));
  const redis::ExecResult woken =
      co_await lease.connection().exec(std::move(wait), block + settings_.redis.request_timeout);
  if (!woken) {
    lease.mark_broken();  // nothing was moved: only the connection is in doubt
    if (*alive_) throw_redis(woken.error(), "redis BLPOP");
  }
}

void RedisBroker::interrupt_claims(std::string_view worker_id) {
  // Sleeping claims return at once; the one blocked in BLMOVE when it returns (max_block).
  const auto it = claimers_.find(worker_id);
  if (it == claimers_.end()) return;
  ++it->second.interrupts;
  for (asio::steady_timer* sleeper : it->second.sleepers) sleeper->cancel();
}

awaitable<void> RedisBroker::complete(std::string id, std::string worker_id,
                                      boost::json::value result) {
  const auto it = held_.find(id);
  if (it == held_.end() || it->second.worker != worker_id) co_return;
  const Held held = it->second;  // dropped only once Redis answered: a retry may follow an error
  std::string result_json = boost::json::serialize(result);
  const bool recorded = co_await completions_.complete(held.queue, id, worker_id, held.run,
                                                       std::move(result_json), held.awaited);
  held_.erase(id);
  if (!recorded) {
    log::warn(
        "job.result_dropped",
        {{"job_id", id}, {"worker", worker_id}, {"reason", "the run no longer holds the job"}});
  }
}

awaitable<FailOutcome> RedisBroker::fail(std::string id, std::string worker_id, std::string error) {
  co_return co_await end_run(std::move(id), std::move(worker_id), std::move(error), false);
}

awaitable<void> RedisBroker::finish_cancelled(std::string id, std::string worker_id) {
  std::string reason = "cancelled";  // named: no temporaries inside co_await (GCC 12)
  co_await end_run(std::move(id), std::move(worker_id), std::move(reason), true);
}

awaitable<FailOutcome> RedisBroker::end_run(std::string id, std::string worker_id,
                                            std::string error, bool cancelled) {
  const auto it = held_.find(id);
  if (it == held_.end() || it->second.worker != worker_id) co_return FailOutcome::ignored;
  const Held held = it->second;  // dropped only once Redis answered: a retry may follow an error
  const std::string& q = held.queue;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const auto delay = retry_delay(settings_.retry, held.attempt, held.max_attempts, unit(rng_));
  std::vector<std::string> script_keys{keys::job(q, id),   keys::processing(q, worker_id),
                                       keys::scheduled(q), keys::dead(q),
                                       keys::counts(q),    keys::expiring(q)};
  std::vector<std::string> script_args{id,
                                       worker_id,
                                       held.run,
                                       error,
                                       now_ms(),
                                       delay ? ms(*delay) : "-1",
                                       ms(settings_.result_ttl),
                                       keys::done_channel(q),
                                       cancelled ? "cancelled" : "fail",
                                       keys::changed_channel(q)};
  const redis::RespValue reply =
      co_await run_script(fail_script_, std::move(script_keys), std::move(script_args));
  held_.erase(id);
  switch (reply.integer) {
    case 1: co_return FailOutcome::retry_scheduled;
    case 2:
    case 3: co_return FailOutcome::failed;
    default:
      log::warn(
          "job.outcome_dropped",
          {{"job_id", id}, {"worker", worker_id}, {"reason", "the run no longer holds the job"}});
      co_return FailOutcome::ignored;
  }
}

awaitable<void> RedisBroker::report_progress(std::string id, std::string worker_id,
                                             boost::json::value progress) {
  const auto it = held_.find(id);
  if (it == held_.end() || it->second.worker != worker_id) co_return;
  const std::string q = it->second.queue;
  std::vector<std::string> script_keys{keys::job(q, id)};
  std::vector<std::string> script_args{worker_id, it->second.run, boost::json::serialize(progress),
                                       keys::changed_channel(q), id};
  co_await run_script(progress_script_, std::move(script_keys), std::move(script_args));
}

awaitable<void> RedisBroker::set_paused(std::string queue, bool paused) {
  redis::Request change;
  if (paused) {
    change.push("SET", keys::paused(queue), "1");
    change.push("SADD", keys::queues(), queue);
    co_await exec(std::move(change));
    co_return;
  }
  // Resumed: the workers asleep on it wake now (single-queue workers see it within max_block).
  change.push("DEL", keys::paused(queue));
  change.push("SMEMBERS", keys::sleepers(queue));
  change.push("DEL", keys::sleepers(queue));
  const redis::Replies replies = co_await exec(std::move(change));
  co_await wake(replies[1]);
}

void RedisBroker::push_alive(redis::Request& request, const std::string& worker) const {
  const auto status = worker_status_.find(worker);
  const std::string& value = status != worker_status_.end() ? status->second : empty_status;
  request.push("SET", keys::worker_alive(worker), value, "PX", settings_.worker_ttl.count());
}

void RedisBroker::set_worker_status(std::string worker_id, boost::json::object status) {
  status["id"] = worker_id;
  worker_status_[std::move(worker_id)] = boost::json::serialize(status);
}

awaitable<std::vector<boost::json::object>> RedisBroker::workers() {
  redis::Request members;
  members.push("SMEMBERS", keys::queues());
  const redis::Replies queues = co_await exec(std::move(members));
  std::vector<boost::json::object> out;
  if (queues.front().elements.empty()) co_return out;
  redis::Request who;
  for (const redis::RespValue& q : queues.front().elements)
    who.push("SMEMBERS", keys::workers(q.text));
  const redis::Replies lists = co_await exec(std::move(who));
  std::set<std::string> ids;
  for (const redis::RespValue& list : lists) {
    for (const redis::RespValue& id : list.elements) ids.insert(id.text);
  }
  if (ids.empty()) co_return out;
  redis::Request statuses;  // one GET each: the keys live in different cluster slots
  for (const std::string& id : ids) statuses.push("GET", keys::worker_alive(id));
  const redis::Replies values = co_await exec(std::move(statuses));
  auto id = ids.begin();
  for (const redis::RespValue& value : values) {
    const std::string& name = *id++;
    if (!value.is_string()) continue;  // dead: its heartbeat ran out
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(value.text, ec);
    boost::json::object status =
        !ec && parsed.is_object() ? std::move(parsed.as_object()) : boost::json::object{};
    status["id"] = name;
    out.push_back(std::move(status));
  }
  co_return out;
}

awaitable<void> RedisBroker::heartbeat(std::string worker_id) {
  redis::Request beat;
  push_alive(beat, worker_id);
  co_await exec(std::move(beat));
  // One extend.lua call per queue for every run this worker holds in it.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
      runs;  // queue -> (id, run)
  for (const auto& [id, held] : held_) {
    if (held.worker == worker_id) runs[held.queue].emplace_back(id, held.run);
  }
  for (const auto& [q, held_here] : runs) {
    std::vector<std::string> script_keys;
    std::vector<std::string> script_args{worker_id, now_ms(), ms(settings_.lease)};
    for (const auto& [id, run] : held_here) {
      script_keys.push_back(keys::job(q, id));
      script_args.push_back(run);
    }
    const redis::RespValue renewed =
        co_await run_script(extend_script_, std::move(script_keys), std::move(script_args));
    for (std::size_t i = 0; i < held_here.size() && i < renewed.elements.size(); ++i) {
      const std::string& id = held_here[i].first;
      if (renewed.elements[i].integer == 0 && held_.contains(id)) {
        // Recovered or ended elsewhere: this run is fenced off; stop its handler.
        log::warn("job.run_lost", {{"job_id", id}, {"worker", worker_id}});
        if (cancel_listener_) cancel_listener_(id);
      }
    }
  }
}

awaitable<RedisBroker::Recovered> RedisBroker::recover_once() {
  Recovered total;
  redis::Request members;
  members.push("SMEMBERS", keys::queues());
  const redis::Replies queues = co_await exec(std::move(members));
  for (const redis::RespValue& queue : queues.front().elements) {
    const std::string& q = queue.text;
    redis::Request who;
    who.push("SMEMBERS", keys::workers(q));
    const redis::Replies workers = co_await exec(std::move(who));
    const auto& names = workers.front().elements;
    if (names.empty()) continue;
    redis::Request alive;  // one round trip for every worker of the queue
    for (const redis::RespValue& worker : names)
      alive.push("EXISTS", keys::worker_alive(worker.text));
    const redis::Replies exists = co_await exec(std::move(alive));
    for (std::size_t i = 0; i < names.size(); ++i) {
      const Recovered r = co_await recover_list(q, names[i].text, exists[i].integer == 0);
      total.requeued += r.requeued;
      total.buried += r.buried;
    }
  }
  co_return total;
}

awaitable<RedisBroker::Recovered> RedisBroker::recover_list(const std::string& queue,
                                                            const std::string& worker, bool dead) {
  std::vector<std::string> script_keys{keys::processing(queue, worker), keys::pending(queue),
                                       keys::dead(queue), keys::counts(queue),
                                       keys::workers(queue)};
  std::vector<std::string> script_args{worker, now_ms(), dead ? "1" : "0", keys::job_prefix(queue),
                                       keys::done_channel(queue)};
  const redis::RespValue r =
      co_await run_script(recover_script_, std::move(script_keys), std::move(script_args));
  Recovered recovered;
  if (r.elements.size() == 2) recovered = {r.elements[0].integer, r.elements[1].integer};
  if (recovered.requeued + recovered.buried > 0) {
    log::warn("queue.jobs_recovered", {{"queue", queue},
                                       {"worker", worker},
                                       {"worker_dead", dead},
                                       {"requeued", recovered.requeued},
                                       {"dead_lettered", recovered.buried}});
  }
  co_return recovered;
}

awaitable<void> RedisBroker::recover_own(const std::vector<std::string>& queues,
                                         const std::string& worker) {
  // This life holds nothing yet, so every run under this id is a previous life's: lost.
  for (const std::string& q : queues) co_await recover_list(q, worker, true);
}

awaitable<void> RedisBroker::hand_back(std::string id, std::string worker_id) {
  const auto it = held_.find(id);
  if (it == held_.end() || it->second.worker != worker_id) co_return;
  const Held held = it->second;  // dropped only once Redis answered: a retry may follow an error
  const std::string& q = held.queue;
  std::vector<std::string> script_keys{keys::job(q, id), keys::processing(q, worker_id),
                                       keys::pending(q), keys::counts(q), keys::expiring(q)};
  std::vector<std::string> script_args{
      id, worker_id, held.run, now_ms(), ms(settings_.result_ttl), keys::done_channel(q)};
  const redis::RespValue reply =
      co_await run_script(hand_back_script_, std::move(script_keys), std::move(script_args));
  held_.erase(id);
  if (reply.integer == 0) {
    log::warn(
        "job.hand_back_dropped",
        {{"job_id", id}, {"worker", worker_id}, {"reason", "the run no longer holds the job"}});
  }
}

awaitable<void> RedisBroker::leave(std::string worker_id) {
  const auto it = claimers_.find(worker_id);
  if (it == claimers_.end() || !it->second.registered) co_return;
  Claimers& c = it->second;
  const std::vector<std::string> queues = *c.registered;
  // Jobs fetched for claims that never came for them are given back first.
  while (!c.ready.empty()) {
    const std::string id = c.ready.front().id;
    c.ready.pop_front();
    co_await hand_back(id, worker_id);
  }
  // Whatever is still listed (nothing, after a clean stop) is given back as a dead worker's.
  for (const std::string& q : queues) co_await recover_list(q, worker_id, true);
  redis::Request bye;
  bye.push("DEL", keys::worker_alive(worker_id));
  co_await exec(std::move(bye));
  c.registered.reset();
}

awaitable<void> RedisBroker::recover_periodically(std::shared_ptr<bool> alive) {
  asio::steady_timer tick(ex_);
  const std::string me = "recoverer:" + log::settings().instance;
  while (*alive) {
    tick.expires_after(settings_.recover_interval);
    co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!*alive || !conn_.connected()) continue;
    try {
      // One recoverer per interval across every process. The lock just expires (nothing to
      // release by mistake); two passes that overlap are safe, as each list's recovery is one
      // atomic script and finds nothing left to do the second time.
      redis::Request lock;
      lock.push("SET", keys::recoverer_lock(), me, "NX", "PX", settings_.recover_interval.count());
      const redis::Replies got = co_await exec(std::move(lock));
      if (got.front().is_null()) continue;
      co_await recover_once();
      co_await sweep_indexes();
    } catch (const std::exception& e) {
      if (*alive) log::warn("queue.recover_failed", {{"error", e.what()}});
    }
  }
}

awaitable<DeadLetters> RedisBroker::dead_letters(std::string queue, std::size_t offset,
                                                 std::size_t limit) {
  DeadLetters page;
  redis::Request list;
  list.push("LLEN", keys::dead(queue));
  if (limit > 0) {
    list.push("LRANGE", keys::dead(queue), offset, offset + limit - 1);
  }
  const redis::Replies replies = co_await exec(std::move(list));
  page.total = replies.front().integer;
  if (limit == 0 || replies[1].elements.empty()) co_return page;
  redis::Request jobs;
  for (const redis::RespValue& id : replies[1].elements)
    jobs.push("HGETALL", keys::job(queue, id.text));
  const redis::Replies hashes = co_await exec(std::move(jobs));
  for (const redis::RespValue& hash : hashes) {
    if (std::optional<Job> job = job_from_redis_hash(hash)) page.jobs.push_back(std::move(*job));
  }
  co_return page;
}

awaitable<RetryOutcome> RedisBroker::retry_failed(std::string id) {
  const std::optional<std::string> queue = co_await queue_of(id);
  if (!queue) co_return RetryOutcome::not_found;
  const std::string& q = *queue;
  std::vector<std::string> script_keys{keys::dead(q), keys::pending(q), keys::counts(q)};
  std::vector<std::string> script_args{keys::job_prefix(q), id, "1"};
  const redis::RespValue requeued =
      co_await run_script(requeue_dead_script_, std::move(script_keys), std::move(script_args));
  if (requeued.integer == 1) co_return RetryOutcome::requeued;
  co_return (co_await get_in_queue(q, id)) ? RetryOutcome::not_failed : RetryOutcome::not_found;
}

awaitable<std::int64_t> RedisBroker::requeue_dead(std::string queue) {
  constexpr std::int64_t batch = 1000;  // per script call: Redis serves others in between
  std::int64_t total = 0;
  for (;;) {
    std::vector<std::string> script_keys{keys::dead(queue), keys::pending(queue),
                                         keys::counts(queue)};
    std::vector<std::string> script_args{keys::job_prefix(queue), "", std::to_string(batch)};
    const redis::RespValue requeued =
        co_await run_script(requeue_dead_script_, std::move(script_keys), std::move(script_args));
    total += requeued.integer;
    if (requeued.integer < batch) co_return total;
  }
}

awaitable<std::int64_t> RedisBroker::purge_dead(std::string queue) {
  constexpr std::size_t batch = 1000;
  std::int64_t total = 0;
  for (;;) {
    std::vector<std::string> script_keys{keys::dead(queue), keys::index(queue)};
    std::vector<std::string> script_args{keys::job_prefix(queue), std::to_string(batch)};
    const redis::RespValue removed =
        co_await run_script(purge_dead_script_, std::move(script_keys), std::move(script_args));
    total += static_cast<std::int64_t>(removed.elements.size());
    if (removed.elements.size() < batch) co_return total;
  }
}

awaitable<void> RedisBroker::advertise_types(std::vector<std::string> names) {
  if (names.empty()) co_return;
  const std::string now = now_ms();
  const std::string key = keys::types();
  std::vector<std::string_view> words{key};
  for (const std::string& name : names) {
    words.emplace_back(name);
    words.emplace_back(now);
  }
  redis::Request advertise;
  advertise.push_range("HSET", words);
  co_await exec(std::move(advertise));
}

awaitable<bool> RedisBroker::is_type_advertised(std::string name) {
  redis::Request look;
  look.push("HGET", keys::types(), name);
  const redis::Replies reply = co_await exec(std::move(look));
  if (!reply.front().is_string()) co_return false;
  const std::int64_t at = std::strtoll(reply.front().text.c_str(), nullptr, 10);
  co_return unix_millis(std::chrono::system_clock::now()) - at <=
      settings_.advertised_type_ttl.count();
}

void RedisBroker::set_cancel_listener(CancelListener listener) {
  cancel_listener_ = std::move(listener);
}

namespace {

// The job ids of a done or changed message, separated by spaces.
template <class Fn>
void for_each_id(std::string_view ids, Fn fn) {
  while (!ids.empty()) {
    const std::size_t space = std::min(ids.find(' '), ids.size());
    if (space > 0) fn(ids.substr(0, space));
    ids.remove_prefix(std::min(space + 1, ids.size()));
  }
}

}  // namespace

awaitable<void> RedisBroker::listen_done(std::shared_ptr<bool> alive) {
  while (*alive) {
    auto event = co_await done_->next(Clock::now() + std::chrono::seconds(1));
    if (!event || !*alive) continue;
    if (const auto* m = std::get_if<redis::Message>(&*event)) {
      // One message may name many jobs (complete.lua announces a batch at once), and may carry
      // a note on each end after the ids, one line each (end_note.hpp).
      const std::string_view queue = keys::queue_of_done_channel(m->channel);
      std::string_view payload = m->payload;
      const std::size_t newline = payload.find('\n');
      std::string_view notes;
      if (newline != std::string_view::npos) {
        notes = payload.substr(newline + 1);
        payload = payload.substr(0, newline);
      }
      for_each_id(payload, [&](std::string_view id) {
        const std::size_t end = std::min(notes.find('\n'), notes.size());
        const std::string_view note = notes.substr(0, end);
        notes.remove_prefix(std::min(end + 1, notes.size()));
        hub_.notify(id, queue, note);
      });
    } else {
      hub_.notify_all();  // completions may have been missed: every waiter looks again
    }
  }
}

// Records that changed without ending (a run started, a retry was scheduled, progress): only
// WebSocket followers care; a missed one is made up for by the done channel's notify_all.
awaitable<void> RedisBroker::listen_changed(std::shared_ptr<bool> alive) {
  while (*alive) {
    auto event = co_await changed_->next(Clock::now() + std::chrono::seconds(1));
    if (!event || !*alive) continue;
    if (const auto* m = std::get_if<redis::Message>(&*event)) {
      const std::string_view queue = keys::queue_of_changed_channel(m->channel);
      for_each_id(m->payload, [&](std::string_view id) { hub_.notify_changed(id, queue); });
    }
  }
}

awaitable<void> RedisBroker::listen_cancel(std::shared_ptr<bool> alive) {
  while (*alive) {
    auto event = co_await cancels_->next(Clock::now() + std::chrono::seconds(1));
    if (!event || !*alive) continue;
    if (const auto* m = std::get_if<redis::Message>(&*event)) {
      if (cancel_listener_ && held_.contains(m->payload)) cancel_listener_(m->payload);
    }
  }
}

awaitable<void> RedisBroker::forward_scheduled(std::shared_ptr<bool> alive) {
  asio::steady_timer tick(ex_);
  while (*alive) {
    tick.expires_after(settings_.promote_interval);
    co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!*alive || !conn_.connected()) continue;
    try {
      redis::Request members;
      members.push("SMEMBERS", keys::queues());
      const redis::Replies names = co_await exec(std::move(members));
      for (const redis::RespValue& name : names.front().elements) {
        const std::string& q = name.text;
        std::vector<std::string> script_keys{keys::scheduled(q), keys::pending(q), keys::counts(q),
                                             keys::sleepers(q)};
        std::vector<std::string> script_args{now_ms(), "1000", keys::job_prefix(q)};
        const redis::RespValue promoted =
            co_await run_script(promote_script_, std::move(script_keys), std::move(script_args));
        if (promoted.elements.size() == 2) co_await wake(promoted.elements[1]);
      }
    } catch (const std::exception& e) {
      if (*alive) log::warn("queue.promote_failed", {{"error", e.what()}});
    }
  }
}

}  // namespace coqueue
