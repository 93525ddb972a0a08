#include "server/api.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"
#include "server/handlers/handlers.hpp"
#include "server/response.hpp"
#include "server/router.hpp"
#include "server/server_threads.hpp"

namespace coqueue::server {
namespace {

// Redis could not be reached or did not answer. Whether the request took effect is known only
// when it was never sent; otherwise the client is told it may have, and how to retry safely.
Response backend_unavailable(std::error_code ec) {
  const bool never_sent = ec == redis::redis_errc::not_connected ||
                          ec == redis::redis_errc::closed || ec == redis::redis_errc::server_busy;
  Response r = error_response(
      503, "backend_unavailable",
      never_sent ? "Redis cannot be reached; nothing was done; retry later"
                 : "Redis did not answer (" + ec.message() +
                       "); the request may or may not have taken effect; a POST /jobs retried "
                       "with the same idempotency_key is safe");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace

Api::Api(Broker& broker, const worker::Registry& types, ApiSettings settings, AccessSettings access)
    : broker_(broker),
      types_(broker, types, settings.extra_types),
      settings_(settings),
      access_(std::move(access)) {}

void Api::begin_shutdown() {
  shutting_down_ = true;
  if (stop_sampling_) stop_sampling_();
  stats_feed_.stop();
}

awaitable<void> Api::sample_queues_periodically() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  stop_sampling_ = [&timer] { timer.cancel(); };
  while (!shutting_down_) {
    try {
      const QueueStats stats = co_await broker_.stats();
      queue_rates_.record(std::chrono::steady_clock::now(), stats);
    } catch (const std::exception&) {
      // The backend is away: this reading is missing; the next ones make up for it.
    }
    timer.expires_after(std::chrono::seconds(5));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  stop_sampling_ = nullptr;
}

MetricsSnapshot Api::metrics_snapshot() const {
  return {.http = http_metrics_, .redis = broker_.redis_metrics()};
}

awaitable<MetricsSnapshot> Api::process_metrics() const {
  if (threads_ != nullptr) co_return co_await threads_->gather();
  co_return metrics_snapshot();
}

awaitable<Response> Api::handle(Request request) {
  const auto started = std::chrono::steady_clock::now();
  std::string_view route = "unmatched";
  Response response = co_await answer(std::move(request), route, false);
  http_metrics_.observe(
      route, response.status,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  co_return response;
}

awaitable<Response> Api::handle_unrecorded(Request request) {
  std::string_view ignored;
  co_return co_await answer(std::move(request), ignored, true);
}

// `route_label` is set to the matched route's name.
awaitable<Response> Api::answer(Request request, std::string_view& route_label, bool authorized) {
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
  route_label = route_name(match.id);
  if (request.cross_site && request.method != Method::get && request.method != Method::head) {
    co_return error_response(403, "cross_origin",
                             "a page of another origin may not change anything here");
  }
  if (!authorized) {
    if (auto refusal = access_.check(match.id, request.authorization)) co_return *refusal;
  }
  std::error_code backend_error;
  std::string failure;
  try {
    co_return co_await dispatch(match, std::move(request), *target);
  } catch (const std::system_error& e) {
    if (e.code().category() == redis::redis_category()) {
      backend_error = e.code();
    } else {
      failure = e.what();
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (backend_error) co_return backend_unavailable(backend_error);
  // A bug or an answer nobody expected: the client still gets an answer, and the connection
  // lives on.
  const std::string where(target->buffer());
  log::error("http.handler_failed", {{"target", where}, {"error", failure}});
  co_return error_response(500, "internal_error", "the server failed to handle this request");
}

awaitable<Response> Api::dispatch(const RouteMatch& match, Request request,
                                  boost::urls::url_view target) {
  const handlers::Context ctx{broker_, types_, settings_, shutting_down_, queue_rates_, *this};
  switch (match.id) {
    case RouteId::submit_job:
      co_return co_await handlers::submit_job(ctx, std::move(request), target);
    case RouteId::submit_batch: co_return co_await handlers::submit_batch(ctx, std::move(request));
    case RouteId::list_jobs: co_return co_await handlers::list_jobs(ctx, target);
    case RouteId::get_job: co_return co_await handlers::get_job(ctx, match.job_id, target);
    case RouteId::cancel_job: co_return co_await handlers::cancel_job(ctx, match.job_id);
    case RouteId::retry_job: co_return co_await handlers::retry_job(ctx, match.job_id);
    case RouteId::list_queues: co_return co_await handlers::list_queues(ctx);
    case RouteId::list_workers: co_return co_await handlers::list_workers(ctx);
    case RouteId::list_dead: co_return co_await handlers::list_dead(ctx, match.queue, target);
    case RouteId::requeue_dead: co_return co_await handlers::requeue_dead(ctx, match.queue);
    case RouteId::purge_dead: co_return co_await handlers::purge_dead(ctx, match.queue);
    case RouteId::pause_queue: co_return co_await handlers::set_paused(ctx, match.queue, true);
    case RouteId::resume_queue: co_return co_await handlers::set_paused(ctx, match.queue, false);
    case RouteId::healthz: co_return co_await handlers::healthz(ctx);
    case RouteId::readyz: co_return co_await handlers::readyz(ctx);
    case RouteId::metrics: co_return co_await handlers::metrics(ctx);
    case RouteId::openapi: co_return handlers::static_file("openapi.json");
    case RouteId::dashboard: co_return handlers::static_file("index.html");
    case RouteId::dashboard_asset: co_return handlers::static_file(match.asset);
    case RouteId::list_schedules: co_return co_await handlers::list_schedules(ctx);
    case RouteId::get_schedule: co_return co_await handlers::get_schedule(ctx, match.schedule);
    case RouteId::put_schedule:
      co_return co_await handlers::put_schedule(ctx, match.schedule, std::move(request));
    case RouteId::delete_schedule:
      co_return co_await handlers::delete_schedule(ctx, match.schedule);
    case RouteId::pause_schedule:
      co_return co_await handlers::set_schedule_paused(ctx, match.schedule, true);
    case RouteId::resume_schedule:
      co_return co_await handlers::set_schedule_paused(ctx, match.schedule, false);
    case RouteId::websocket: {
      Response r = error_response(426, "upgrade_required",
                                  "GET /ws is a WebSocket: send Upgrade: websocket");
      r.headers.emplace_back("Upgrade", "websocket");
      co_return r;
    }
  }
  co_return error_response(404, "not_found", "no route for this path");
}

}  // namespace coqueue::server
