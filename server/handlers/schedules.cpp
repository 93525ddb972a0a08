// PUT, GET, DELETE /schedules/<name>, POST /schedules/<name>/pause|resume, GET /schedules

#include <boost/json/array.hpp>

#include "core/support/text_excerpt.hpp"
#include "server/handlers/handlers.hpp"
#include "server/handlers/job_input.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {
namespace {

std::optional<Response> bad_name(const std::string& name) {
  if (is_valid_schedule_name(name)) return std::nullopt;
  return error_response(400, "invalid_schedule",
                        "a schedule name is 1-64 characters of A-Za-z0-9_.-");
}

Response schedule_not_found(const std::string& name) {
  return error_response(404, "schedule_not_found",
                        "no schedule named '" + text_excerpt(name) + "'");
}

}  // namespace

awaitable<Response> list_schedules(Context ctx) {
  boost::json::array out;
  const std::vector<Schedule> all = co_await ctx.broker.schedules();
  for (const Schedule& s : all) out.push_back(to_json(s));
  co_return json_response(200, boost::json::object{{"schedules", std::move(out)}});
}

awaitable<Response> get_schedule(Context ctx, std::string name) {
  if (auto bad = bad_name(name)) co_return *bad;
  const std::optional<Schedule> s = co_await ctx.broker.get_schedule(name);
  if (!s) co_return schedule_not_found(name);
  co_return json_response(200, to_json(*s));
}

awaitable<Response> put_schedule(Context ctx, std::string name, Request request) {
  if (auto bad = bad_name(name)) co_return *bad;
  auto body = read_json_body(ctx, request);
  if (auto* refused = std::get_if<Response>(&body)) co_return std::move(*refused);
  auto parsed =
      parse_schedule_definition(name, std::get<boost::json::value>(body), ctx.settings.job_limits);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    co_return error_response(400, "invalid_schedule", *error);
  }
  ScheduleDefinition definition = std::get<ScheduleDefinition>(std::move(parsed));
  // The job is checked as POST /jobs would check it, now rather than at each tick.
  auto job = read_job(ctx, definition.job, "job: ");
  if (auto* refusal = std::get_if<Refusal>(&job)) co_return refusal_response(*refusal);
  const std::string type = std::get<JobSpec>(job).type;
  if (auto unknown = co_await check_type_known(ctx, type, "job: ")) {
    co_return refusal_response(*unknown);
  }
  const std::optional<Schedule> earlier = co_await ctx.broker.get_schedule(name);
  const bool existed = earlier.has_value();
  const Schedule stored = co_await ctx.broker.put_schedule(std::move(definition));
  co_return json_response(existed ? 200 : 201, to_json(stored));
}

awaitable<Response> delete_schedule(Context ctx, std::string name) {
  if (auto bad = bad_name(name)) co_return *bad;
  const bool deleted = co_await ctx.broker.delete_schedule(name);
  if (!deleted) co_return schedule_not_found(name);
  co_return json_response(200, boost::json::object{{"name", name}, {"deleted", true}});
}

awaitable<Response> set_schedule_paused(Context ctx, std::string name, bool paused) {
  if (auto bad = bad_name(name)) co_return *bad;
  const std::optional<Schedule> s = co_await ctx.broker.set_schedule_paused(name, paused);
  if (!s) co_return schedule_not_found(name);
  co_return json_response(200, to_json(*s));
}

}  // namespace coqueue::server::handlers
