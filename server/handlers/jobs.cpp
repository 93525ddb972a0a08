// POST /jobs[?wait_ms=N], POST /jobs/batch, GET /jobs/<id>[?wait_ms=N], DELETE /jobs/<id>

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/job/job_id.hpp"
#include "core/queue/end_note.hpp"
#include "core/queue/queue_errc.hpp"
#include "core/support/units.hpp"
#include "server/handlers/handlers.hpp"
#include "server/handlers/job_input.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {

namespace {

// ?wait_ms=N: how long a request may wait for a job's end, capped by --max-wait; an error
// response when the value is not a non-negative integer.
std::variant<std::chrono::milliseconds, Response> read_wait(const Context& ctx,
                                                            boost::urls::url_view target) {
  std::chrono::milliseconds wait{0};
  for (const auto& param : target.params()) {
    if (param.key != "wait_ms") continue;
    const auto ms = parse_int(param.value);
    if (!ms || *ms < 0) {
      return error_response(400, "invalid_query", "wait_ms must be a non-negative integer");
    }
    wait = std::min(std::chrono::milliseconds(*ms), ctx.settings.max_wait);
  }
  return wait;
}

// Waits for the end of `known`, a job this request submitted, on `done`: a subscription to its
// id made before the job could end unheard (before the job existed, or before a read that saw
// it not ended). It reads the job only after a wake-up that brought no note on the run
// (end_note.hpp), as when notifications may have been missed (`generation` changed), or at the
// deadline: a job that ends in time costs no read. Nothing, or the job as it ended or as read.
awaitable<std::optional<Job>> wait_for_end(Context ctx, const Job& known,
                                           std::optional<CompletionHub::Subscription>& done,
                                           std::uint64_t generation, SteadyTime deadline) {
  CompletionHub& hub = ctx.broker.completions();
  for (;;) {
    if (hub.missed_generation() == generation) co_await done->wait_until(deadline);
    if (!done->note().empty()) {
      if (std::optional<Job> finished = finished_job(known, done->note())) co_return finished;
    }
    generation = hub.missed_generation();
    done.emplace(hub, known.id);  // before the read: an end during the read still wakes it
    std::optional<Job> job = co_await ctx.broker.get_in_queue(known.queue, known.id);
    if (!job || is_terminal(job->status) || ctx.shutting_down ||
        std::chrono::steady_clock::now() >= deadline) {
      co_return job;
    }
  }
}

}  // namespace

awaitable<Response> submit_job(Context ctx, Request request, boost::urls::url_view target) {
  const std::variant<std::chrono::milliseconds, Response> wait_or = read_wait(ctx, target);
  if (const auto* bad = std::get_if<Response>(&wait_or)) co_return *bad;
  const std::chrono::milliseconds wait = std::get<std::chrono::milliseconds>(wait_or);
  std::variant<boost::json::value, Response> body = read_json_body(ctx, request);
  if (auto* bad = std::get_if<Response>(&body)) co_return std::move(*bad);
  std::variant<JobSpec, Refusal> read = read_job(ctx, std::get<boost::json::value>(body));
  if (const auto* refused = std::get_if<Refusal>(&read)) co_return refusal_response(*refused);
  JobSpec& spec = std::get<JobSpec>(read);
  std::optional<Refusal> unknown = co_await check_type_known(ctx, spec.type);
  if (unknown) co_return refusal_response(*unknown);

  const std::string queue = spec.queue;
  const SteadyTime deadline = std::chrono::steady_clock::now() + wait;
  CompletionHub& hub = ctx.broker.completions();
  const bool waits = wait.count() > 0 && !ctx.shutting_down;
  std::optional<CompletionHub::Subscription> done;
  if (waits) {
    // Subscribed before the job exists, so its end cannot come before the subscription.
    spec.id = ctx.broker.new_job_id(queue);
    spec.awaited = true;  // its end comes with a note on the run: no read of the job after it
    done.emplace(hub, spec.id);
  }
  const std::uint64_t generation = hub.missed_generation();
  EnqueueOutcome enqueued = co_await ctx.broker.enqueue(std::move(spec));
  if (!enqueued) co_return refusal_response(enqueue_refusal(enqueued.error(), queue));
  // With ?wait_ms: the record of a job that ended within the wait, as GET /jobs/<id> gives it.
  if (is_terminal(enqueued->job.status)) {  // an idempotent repeat of a job that ended
    if (wait.count() > 0) co_return job_response(200, enqueued->job);
  } else if (waits) {
    std::optional<Job> job;
    if (enqueued->created) {  // under the id subscribed to
      job = co_await wait_for_end(ctx, enqueued->job, done, generation, deadline);
    } else {
      // An idempotent repeat of an earlier job, which may end any moment: subscribe, then read.
      done.emplace(hub, enqueued->job.id);
      job = co_await ctx.broker.get_in_queue(queue, enqueued->job.id);
      if (job && !is_terminal(job->status)) {
        const Job known = std::move(*job);
        job = co_await wait_for_end(ctx, known, done, generation, deadline);
      }
    }
    if (job && is_terminal(job->status)) co_return job_response(200, *job);
    if (job) enqueued->job.status = job->status;
  }
  Response r = json_response(202, accepted_job(*enqueued));
  r.headers.emplace_back("Location", "/jobs/" + enqueued->job.id);
  co_return r;
}

awaitable<Response> submit_batch(Context ctx, Request request) {
  std::variant<boost::json::value, Response> body = read_json_body(ctx, request);
  if (auto* bad = std::get_if<Response>(&body)) co_return std::move(*bad);
  const boost::json::value& json = std::get<boost::json::value>(body);
  const boost::json::array* jobs = nullptr;
  if (json.is_object() && json.as_object().size() == 1 && json.as_object().contains("jobs")) {
    jobs = json.as_object().at("jobs").if_array();
  }
  if (jobs == nullptr) {
    co_return error_response(400, "invalid_batch", "send {\"jobs\": [job, ...]}");
  }
  if (jobs->empty() || jobs->size() > max_batch_jobs) {
    co_return error_response(400, "invalid_batch",
                             "a batch holds 1 to " + std::to_string(max_batch_jobs) +
                                 " jobs, not " + std::to_string(jobs->size()));
  }
  // Every job is checked before any is taken: a bad one refuses the whole batch.
  std::vector<JobSpec> specs;
  specs.reserve(jobs->size());
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    const std::string where = "jobs[" + std::to_string(i) + "]: ";
    std::variant<JobSpec, Refusal> read = read_job(ctx, (*jobs)[i], where);
    if (const auto* refused = std::get_if<Refusal>(&read)) co_return refusal_response(*refused);
    specs.push_back(std::move(std::get<JobSpec>(read)));
  }
  std::set<std::string> checked;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (!checked.insert(specs[i].type).second) continue;
    const std::string where = "jobs[" + std::to_string(i) + "]: ";
    std::optional<Refusal> unknown = co_await check_type_known(ctx, specs[i].type, where);
    if (unknown) co_return refusal_response(*unknown);
  }
  std::vector<std::string> queues;
  queues.reserve(specs.size());
  for (const JobSpec& spec : specs) queues.push_back(spec.queue);

  const std::vector<EnqueueOutcome> out = co_await ctx.broker.enqueue_many(std::move(specs));
  boost::json::array results;
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i]) {
      results.push_back(accepted_job(*out[i]));
      ++accepted;
    } else {
      const Refusal refusal = enqueue_refusal(out[i].error(), queues[i]);
      results.push_back(
          boost::json::object{{"error", {{"code", refusal.code}, {"message", refusal.message}}},
                              {"status_code", refusal.status}});
    }
  }
  co_return json_response(202, boost::json::object{{"accepted", accepted},
                                                   {"refused", out.size() - accepted},
                                                   {"jobs", std::move(results)}});
}

awaitable<Response> get_job(Context ctx, std::string job_id, boost::urls::url_view target) {
  const std::variant<std::chrono::milliseconds, Response> wait_or = read_wait(ctx, target);
  if (const auto* bad = std::get_if<Response>(&wait_or)) co_return *bad;
  const std::chrono::milliseconds wait = std::get<std::chrono::milliseconds>(wait_or);
  if (!is_job_id(job_id)) co_return job_not_found(job_id);

  // Subscribe before reading, so a completion between the read and the wait still wakes us.
  CompletionHub::Subscription done(ctx.broker.completions(), job_id);
  const SteadyTime deadline = std::chrono::steady_clock::now() + wait;
  std::optional<Job> job = co_await ctx.broker.get(job_id);
  if (job && !is_terminal(job->status) && wait.count() > 0 && !ctx.shutting_down) {
    co_await done.wait_until(deadline);
    std::optional<Job> finished;
    if (!done.note().empty()) finished = finished_job(*job, done.note());
    // Else a read; the first told the job's queue: no need to look it up by id again.
    if (finished) {
      job = std::move(finished);
    } else {
      job = co_await ctx.broker.get_in_queue(job->queue, job_id);
    }
  }
  if (!job) co_return job_not_found(job_id);
  co_return job_response(200, *job);
}

awaitable<Response> cancel_job(Context ctx, std::string job_id) {
  if (!is_job_id(job_id)) co_return job_not_found(job_id);
  const CancelResult result = co_await ctx.broker.cancel(job_id);
  switch (result.outcome) {
    case CancelOutcome::not_found: co_return job_not_found(job_id);
    case CancelOutcome::cancelled: co_return job_response(200, *result.job);
    case CancelOutcome::cancel_requested: co_return job_response(202, *result.job);
    case CancelOutcome::already_finished:
      co_return error_response(
          409, "job_finished",
          "job '" + job_id + "' already ended as " + std::string(to_string(result.job->status)));
  }
  co_return job_not_found(job_id);
}

}  // namespace coqueue::server::handlers
