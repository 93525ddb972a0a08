// GET /queues

#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {

awaitable<Response> list_queues(Context ctx) {
  const QueueStats stats = co_await ctx.broker.stats();
  co_return json_response(200, to_json(stats));
}

}  // namespace coqueue::server::handlers
