// GET /queues/<name>/dead[?offset=&limit=], POST /queues/<name>/dead/requeue,
// DELETE /queues/<name>/dead, POST /jobs/<id>/retry

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/job/job_id.hpp"
#include "core/job/job_spec.hpp"
#include "core/support/units.hpp"
#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {
namespace {

constexpr std::int64_t default_page = 50;
constexpr std::int64_t max_page = 1000;

std::optional<Response> bad_queue(const std::string& queue) {
  if (is_valid_queue_name(queue)) return std::nullopt;
  return error_response(400, "invalid_queue", "queue must be 1-64 characters of A-Za-z0-9_.-");
}

}  // namespace

awaitable<Response> list_dead(Context ctx, std::string queue, boost::urls::url_view target) {
  if (auto bad = bad_queue(queue)) co_return *bad;
  std::int64_t offset = 0;
  std::int64_t limit = default_page;
  for (const auto& param : target.params()) {
    const bool is_offset = param.key == "offset";
    if (!is_offset && param.key != "limit") continue;
    const auto n = parse_int(param.value);
    if (is_offset && (!n || *n < 0)) {
      co_return error_response(400, "invalid_query", "offset must be a non-negative integer");
    }
    if (!is_offset && (!n || *n < 1 || *n > max_page)) {
      co_return error_response(400, "invalid_query", "limit must be an integer from 1 to 1000");
    }
    (is_offset ? offset : limit) = *n;
  }
  const DeadLetters page = co_await ctx.broker.dead_letters(queue, static_cast<std::size_t>(offset),
                                                            static_cast<std::size_t>(limit));
  boost::json::array jobs;
  for (const Job& job : page.jobs) jobs.push_back(to_json(job));
  co_return json_response(200, boost::json::object{{"queue", queue},
                                                   {"total", page.total},
                                                   {"offset", offset},
                                                   {"limit", limit},
                                                   {"jobs", std::move(jobs)}});
}

awaitable<Response> requeue_dead(Context ctx, std::string queue) {
  if (auto bad = bad_queue(queue)) co_return *bad;
  const std::int64_t n = co_await ctx.broker.requeue_dead(queue);
  co_return json_response(200, boost::json::object{{"queue", queue}, {"requeued", n}});
}

awaitable<Response> purge_dead(Context ctx, std::string queue) {
  if (auto bad = bad_queue(queue)) co_return *bad;
  const std::int64_t n = co_await ctx.broker.purge_dead(queue);
  co_return json_response(200, boost::json::object{{"queue", queue}, {"purged", n}});
}

awaitable<Response> retry_job(Context ctx, std::string job_id) {
  if (!is_job_id(job_id)) co_return job_not_found(job_id);
  const RetryOutcome outcome = co_await ctx.broker.retry_failed(job_id);
  std::optional<Job> job = co_await ctx.broker.get(job_id);
  if (outcome == RetryOutcome::not_found || !job) co_return job_not_found(job_id);
  if (outcome == RetryOutcome::not_failed) {
    std::string message = "job '" + job_id + "' is ";
    message += to_string(job->status);
    message += "; only failed jobs can be retried";
    co_return error_response(409, "job_not_failed", message);
  }
  co_return job_response(200, *job);
}

}  // namespace coqueue::server::handlers
