// POST /jobs, GET /jobs/<id>[?wait_ms=N], DELETE /jobs/<id>

#include <algorithm>
#include <cctype>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "core/job/job_id.hpp"
#include "core/queue/queue_errc.hpp"
#include "core/support/units.hpp"
#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {
namespace {

bool is_json_media_type(std::string_view content_type) {
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  std::string lowered;
  for (const char c : media) {
    if (c != ' ' && c != '\t')
      lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lowered == "application/json";
}

unsigned status_for(job_errc e) {
  return e == job_errc::unknown_type || e == job_errc::invalid_payload ? 422 : 400;
}

std::string known_types(const worker::Registry& types) {
  std::string out;
  for (const std::string& name : types.names()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

awaitable<Response> submit_job(Context ctx, Request request) {
  if (!is_json_media_type(request.content_type)) {
    co_return error_response(415, "unsupported_media_type",
                             "send the job as Content-Type: application/json");
  }
  boost::json::parse_options options;
  options.max_depth = ctx.settings.max_json_depth;
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(request.body, ec, {}, options);
  if (ec)
    co_return error_response(400, "malformed_json", "the body is not valid JSON: " + ec.message());

  JobSpecResult parsed = parse_job_spec(body, ctx.settings.job_limits);
  if (const auto* error = std::get_if<JobSpecError>(&parsed)) {
    co_return error_response(status_for(error->code), code_name(error->code), error->message);
  }
  JobSpec& spec = std::get<JobSpec>(parsed);
  const worker::JobType* type = ctx.types.find(spec.type);
  if (type == nullptr) {
    co_return error_response(
        422, code_name(job_errc::unknown_type),
        "no job type '" + spec.type + "' (known: " + known_types(ctx.types) + ")");
  }
  if (type->check_payload) {
    if (auto problem = type->check_payload(spec.payload)) {
      co_return error_response(422, code_name(job_errc::invalid_payload),
                               "payload of a '" + spec.type + "' job: " + *problem);
    }
  }

  const std::string queue = spec.queue;
  auto enqueued = co_await ctx.broker.enqueue(std::move(spec));
  if (!enqueued) {
    const std::error_code error = enqueued.error();
    if (error == queue_errc::idempotency_conflict) {
      co_return error_response(409, "idempotency_conflict",
                               "this idempotency_key was used for a job with a different body");
    }
    if (error == queue_errc::queue_full) {
      Response r = error_response(429, "queue_full",
                                  "queue '" + queue +
                                      "' holds as many waiting jobs as its cap "
                                      "(--max-queued); retry later");
      r.headers.emplace_back("Retry-After", "1");
      co_return r;
    }
    co_return error_response(503, code_name(static_cast<queue_errc>(error.value())),
                             error.message());
  }
  const Job& job = enqueued->job;
  const std::string url = "/jobs/" + job.id;
  boost::json::object out;
  out["id"] = job.id;
  out["status"] = to_string(job.status);
  out["status_url"] = url;
  out["created"] = enqueued->created;
  Response r = json_response(202, out);
  r.headers.emplace_back("Location", url);
  co_return r;
}

awaitable<Response> get_job(Context ctx, std::string job_id, boost::urls::url_view target) {
  std::chrono::milliseconds wait{0};
  for (const auto& param : target.params()) {
    if (param.key != "wait_ms") continue;
    const auto ms = parse_int(param.value);
    if (!ms || *ms < 0) {
      co_return error_response(400, "invalid_query", "wait_ms must be a non-negative integer");
    }
    wait = std::min(std::chrono::milliseconds(*ms), ctx.settings.max_wait);
  }
  if (!is_job_id(job_id)) co_return job_not_found(job_id);

  // Subscribe before reading, so a completion between the read and the wait still wakes us.
  CompletionHub::Subscription done(ctx.broker.completions(), job_id);
  const SteadyTime deadline = std::chrono::steady_clock::now() + wait;
  std::optional<Job> job = co_await ctx.broker.get(job_id);
  if (job && !is_terminal(job->status) && wait.count() > 0 && !ctx.shutting_down) {
    co_await done.wait_until(deadline);
    job = co_await ctx.broker.get(job_id);
  }
  if (!job) co_return job_not_found(job_id);
  co_return json_response(200, to_json(*job));
}

awaitable<Response> cancel_job(Context ctx, std::string job_id) {
  if (!is_job_id(job_id)) co_return job_not_found(job_id);
  const CancelResult result = co_await ctx.broker.cancel(job_id);
  switch (result.outcome) {
    case CancelOutcome::not_found: co_return job_not_found(job_id);
    case CancelOutcome::cancelled: co_return json_response(200, to_json(*result.job));
    case CancelOutcome::cancel_requested: co_return json_response(202, to_json(*result.job));
    case CancelOutcome::already_finished:
      co_return error_response(
          409, "job_finished",
          "job '" + job_id + "' already ended as " + std::string(to_string(result.job->status)));
  }
  co_return job_not_found(job_id);
}

}  // namespace coqueue::server::handlers
