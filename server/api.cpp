#include "server/api.hpp"

#include <boost/url/parse.hpp>

#include "server/handlers/handlers.hpp"
#include "server/response.hpp"
#include "server/router.hpp"

namespace coqueue::server {

Api::Api(Broker& broker, const worker::Registry& types, ApiSettings settings)
    : broker_(broker), types_(types), settings_(settings) {}

awaitable<Response> Api::handle(Request request) {
  const auto target = boost::urls::parse_origin_form(request.target);
  if (!target) {
    co_return error_response(400, "invalid_target", "the request target is not a valid path");
  }
  const auto routed = route(request.method, target->encoded_path());
  if (const auto* miss = std::get_if<RouteMiss>(&routed)) {
    if (miss->status == 405) {
      Response r =
          error_response(405, "method_not_allowed", "this path takes " + miss->allow + " only");
      r.headers.emplace_back("Allow", miss->allow);
      co_return r;
    }
    co_return error_response(404, "not_found", "no route for this path");
  }

  const RouteMatch& match = std::get<RouteMatch>(routed);
  const handlers::Context ctx{broker_, types_, settings_, shutting_down_};
  switch (match.id) {
    case RouteId::submit_job: co_return co_await handlers::submit_job(ctx, std::move(request));
    case RouteId::get_job: co_return co_await handlers::get_job(ctx, match.job_id, *target);
    case RouteId::cancel_job: co_return co_await handlers::cancel_job(ctx, match.job_id);
    case RouteId::list_queues: co_return co_await handlers::list_queues(ctx);
    case RouteId::healthz: co_return co_await handlers::healthz(ctx);
    case RouteId::readyz: co_return co_await handlers::readyz(ctx);
  }
  co_return error_response(404, "not_found", "no route for this path");
}

}  // namespace coqueue::server
