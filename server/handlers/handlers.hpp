#pragma once
// One function per route. Each returns the whole response, errors included.

#include <string>

#include <boost/url/url_view.hpp>

#include "core/queue/broker.hpp"
#include "server/advertised_types.hpp"
#include "server/api.hpp"
#include "server/http_message.hpp"
#include "worker/registry.hpp"

namespace coqueue::server::handlers {

struct Context {
  Broker& broker;
  AdvertisedTypes& types;
  const ApiSettings& settings;
  bool shutting_down;
  QueueRates& queue_rates;
  const Api& api;  // for the process's own figures (GET /metrics)
};

constexpr std::size_t max_batch_jobs = 1000;

awaitable<Response> submit_job(Context ctx, Request request, boost::urls::url_view target);
awaitable<Response> submit_batch(Context ctx, Request request);
awaitable<Response> list_jobs(Context ctx, boost::urls::url_view target);
awaitable<Response> get_job(Context ctx, std::string job_id, boost::urls::url_view target);
awaitable<Response> cancel_job(Context ctx, std::string job_id);
awaitable<Response> retry_job(Context ctx, std::string job_id);
awaitable<Response> list_queues(Context ctx);
awaitable<Response> list_workers(Context ctx);
awaitable<Response> list_dead(Context ctx, std::string queue, boost::urls::url_view target);
awaitable<Response> requeue_dead(Context ctx, std::string queue);
awaitable<Response> purge_dead(Context ctx, std::string queue);
awaitable<Response> set_paused(Context ctx, std::string queue, bool paused);
awaitable<Response> healthz(Context ctx);
awaitable<Response> readyz(Context ctx);
awaitable<Response> metrics(Context ctx);
// Periodic schedules.
awaitable<Response> list_schedules(Context ctx);
awaitable<Response> get_schedule(Context ctx, std::string name);
awaitable<Response> put_schedule(Context ctx, std::string name, Request request);
awaitable<Response> delete_schedule(Context ctx, std::string name);
awaitable<Response> set_schedule_paused(Context ctx, std::string name, bool paused);
// A file built into the binary (static_assets.hpp), or 404.
Response static_file(std::string_view name);

}  // namespace coqueue::server::handlers
