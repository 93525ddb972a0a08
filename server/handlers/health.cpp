// GET /healthz (the process answers) and GET /readyz (the backend is usable).

#include <boost/json/object.hpp>

#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {

awaitable<Response> healthz(Context) {
  co_return json_response(200, boost::json::object{{"status", "ok"}});
}

awaitable<Response> readyz(Context ctx) {
  boost::json::object body;
  body["backend"] = ctx.broker.backend_name();
  if (ctx.shutting_down) {
    body["status"] = "shutting_down";
    co_return json_response(503, body);
  }
  const bool ready = co_await ctx.broker.ready();
  body["status"] = ready ? "ready" : "unavailable";
  co_return json_response(ready ? 200 : 503, body);
}

}  // namespace coqueue::server::handlers
