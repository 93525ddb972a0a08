// GET /jobs?queue=&status=&type=&limit=&cursor=: the job browser, newest first, a page at a time.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/job/job_id.hpp"
#include "core/job/job_spec.hpp"
#include "core/support/units.hpp"
#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {
namespace {

constexpr std::int64_t default_limit = 50;

Response bad_query(std::string_view message) {
  return error_response(400, "invalid_query", message);
}

}  // namespace

awaitable<Response> list_jobs(Context ctx, boost::urls::url_view target) {
  JobFilter filter;
  std::int64_t limit = default_limit;
  std::optional<std::string> cursor;
  for (const auto& param : target.params()) {
    const std::string& value = param.value;
    if (param.key == "queue") {
      if (!is_valid_queue_name(value)) {
        co_return error_response(400, "invalid_queue",
                                 "queue must be 1-64 characters of A-Za-z0-9_.-");
      }
      filter.queue = value;
    } else if (param.key == "status") {
      filter.status = parse_job_status(value);
      if (!filter.status) {
        co_return bad_query(
            "status must be one of queued, scheduled, processing, completed, failed, cancelled");
      }
    } else if (param.key == "type") {
      if (!is_valid_type_name(value, ctx.settings.job_limits.max_type_length)) {
        co_return bad_query("type is not a valid job type name");
      }
      filter.type = value;
    } else if (param.key == "limit") {
      const auto n = parse_int(value);
      if (!n || *n < 1 || *n > static_cast<std::int64_t>(max_list_limit)) {
        co_return bad_query("limit must be an integer from 1 to " + std::to_string(max_list_limit));
      }
      limit = *n;
    } else if (param.key == "cursor") {
      if (!is_job_id(value)) co_return bad_query("cursor is not one this API gave out");
      cursor = value;
    }
  }
  const JobPage page =
      co_await ctx.broker.list_jobs(filter, static_cast<std::size_t>(limit), std::move(cursor));
  boost::json::array jobs;
  jobs.reserve(page.jobs.size());
  for (const Job& job : page.jobs) jobs.push_back(to_json(job));
  boost::json::value next = nullptr;
  if (page.next_cursor) next = *page.next_cursor;
  co_return json_response(200,
                          boost::json::object{{"jobs", std::move(jobs)}, {"next_cursor", next}});
}

}  // namespace coqueue::server::handlers
