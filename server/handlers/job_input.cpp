#include "server/handlers/job_input.hpp"

#include <cctype>
#include <cmath>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/queue/queue_errc.hpp"
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

// JSON has no limit on numbers, but a double does: 1e400 parses to infinity, which no JSON
// can carry back out. Such a body is refused rather than stored as something else.
bool holds_non_finite_number(const boost::json::value& root) {
  std::vector<const boost::json::value*> pending{&root};
  while (!pending.empty()) {
    const boost::json::value* v = pending.back();
    pending.pop_back();
    if (v->is_double() && !std::isfinite(v->get_double())) return true;
    if (v->is_array()) {
      for (const auto& item : v->get_array()) pending.push_back(&item);
    } else if (v->is_object()) {
      for (const auto& field : v->get_object()) pending.push_back(&field.value());
    }
  }
  return false;
}

}  // namespace

std::variant<boost::json::value, Response> read_json_body(const Context& ctx,
                                                          const Request& request) {
  if (!is_json_media_type(request.content_type)) {
    return error_response(415, "unsupported_media_type",
                          "send the job as Content-Type: application/json");
  }
  boost::json::parse_options options;
  options.max_depth = ctx.settings.max_json_depth;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec, {}, options);
  if (ec)
    return error_response(400, "malformed_json", "the body is not valid JSON: " + ec.message());
  if (holds_non_finite_number(body)) {
    return error_response(400, "malformed_json",
                          "the body holds a number too large for a double (such as 1e400)");
  }
  return body;
}

std::variant<JobSpec, Refusal> read_job(const Context& ctx, const boost::json::value& job,
                                        std::string_view where) {
  const std::string prefix(where);
  JobSpecResult parsed = parse_job_spec(job, ctx.settings.job_limits);
  if (const auto* error = std::get_if<JobSpecError>(&parsed)) {
    return Refusal{status_for(error->code), std::string(code_name(error->code)),
                   prefix + error->message};
  }
  JobSpec& spec = std::get<JobSpec>(parsed);
  const worker::JobType* type = ctx.types.handler(spec.type);
  if (type != nullptr && type->check_payload) {
    if (auto problem = type->check_payload(spec.payload)) {
      return Refusal{422, std::string(code_name(job_errc::invalid_payload)),
                     prefix + "payload of a '" + spec.type + "' job: " + *problem};
    }
  }
  return std::move(spec);
}

awaitable<std::optional<Refusal>> check_type_known(Context ctx, std::string type,
                                                   std::string where) {
  const bool known = co_await ctx.types.known(type);
  if (known) co_return std::nullopt;
  co_return Refusal{422, std::string(code_name(job_errc::unknown_type)),
                    where + "no job type '" + type + "' (known here: " + ctx.types.names() +
                        "; or advertised by a worker, or listed with --types)"};
}

Refusal enqueue_refusal(const std::error_code& error, const std::string& queue) {
  if (error == queue_errc::idempotency_conflict) {
    return {409, "idempotency_conflict",
            "this idempotency_key was used for a job with a different body"};
  }
  if (error == queue_errc::queue_full) {
    return {
        429, "queue_full",
        "queue '" + queue + "' holds as many waiting jobs as its cap (--max-queued); retry later"};
  }
  return {503, std::string(code_name(static_cast<queue_errc>(error.value()))), error.message()};
}

Response refusal_response(const Refusal& refusal) {
  Response r = error_response(refusal.status, refusal.code, refusal.message);
  if (refusal.status == 429 || refusal.status == 503) r.headers.emplace_back("Retry-After", "1");
  return r;
}

boost::json::object accepted_job(const EnqueueResult& result) {
  boost::json::object out;
  out["id"] = result.job.id;
  out["status"] = to_string(result.job.status);
  out["status_url"] = "/jobs/" + result.job.id;
  out["created"] = result.created;
  return out;
}

}  // namespace coqueue::server::handlers
