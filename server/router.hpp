#pragma once
// Which route a method and path name. Pure: no I/O, no Beast.

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/http_message.hpp"

namespace coqueue::server {

enum class RouteId {
  submit_job,
  submit_batch,
  list_jobs,
  get_job,
  cancel_job,
  retry_job,
  list_queues,
  list_dead,
  list_workers,
  requeue_dead,
  purge_dead,
  pause_queue,
  resume_queue,
  healthz,
  readyz,
  metrics,
  websocket,  // GET /ws without an upgrade: http_session upgrades the ones that ask
  openapi,
  dashboard,
  dashboard_asset,
  list_schedules,
  get_schedule,
  put_schedule,
  delete_schedule,
  pause_schedule,
  resume_schedule,
};

// The route's name as metrics label it ("submit_job", ...).
std::string_view route_name(RouteId id);

struct RouteMatch {
  RouteId id;
  std::string job_id;    // for /jobs/<id>..., exactly as it appears in the path
  std::string queue;     // for /queues/<name>/..., exactly as it appears in the path
  std::string asset;     // for /assets/<name>
  std::string schedule;  // for /schedules/<name>...
};

struct RouteMiss {
  unsigned status;    // 404 no such path, 405 path known but not this method
  std::string allow;  // for 405: the methods the path takes, as the Allow header lists them
};

std::variant<RouteMatch, RouteMiss> route(Method method, std::string_view path);

// Every route the router knows, as OpenAPI names it: method ("get") and path template
// ("/jobs/{id}"). The OpenAPI test checks docs/openapi.yaml against it.
struct RouteTemplate {
  std::string_view method;
  std::string_view path;
  RouteId id;
};
std::vector<RouteTemplate> route_table();

}  // namespace coqueue::server
