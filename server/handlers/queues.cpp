// GET /queues, POST /queues/<name>/pause, POST /queues/<name>/resume

#include "core/job/job_spec.hpp"
#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {

awaitable<Response> list_queues(Context ctx) {
  const QueueStats stats = co_await ctx.broker.stats();
  const auto now = std::chrono::steady_clock::now();
  ctx.queue_rates.record(now, stats);
  double window_s = 0;
  const auto recent = ctx.queue_rates.last_minute(now, stats, window_s);
  co_return json_response(200, to_json(stats, &recent, window_s));
}

awaitable<Response> set_paused(Context ctx, std::string queue, bool paused) {
  if (!is_valid_queue_name(queue)) {
    co_return error_response(400, "invalid_queue", "queue must be 1-64 characters of A-Za-z0-9_.-");
  }
  co_await ctx.broker.set_paused(queue, paused);
  co_return json_response(200, boost::json::object{{"queue", queue}, {"paused", paused}});
}

}  // namespace coqueue::server::handlers
