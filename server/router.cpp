#include "server/router.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace coqueue::server {
namespace {

enum class Path {
  jobs,
  jobs_batch,
  job,
  job_retry,
  queues,
  queue_dead,
  queue_dead_requeue,
  queue_pause,
  queue_resume,
  workers,
  healthz,
  readyz,
  metrics,
  websocket,
  openapi,
  root,
  asset,
  schedules,
  schedule,
  schedule_pause,
  schedule_resume,
  unknown
};

struct Binding {
  Path path;
  Method method;
  RouteId id;
};

constexpr std::array<Binding, 26> bindings{{
    {Path::queue_pause, Method::post, RouteId::pause_queue},
    {Path::queue_resume, Method::post, RouteId::resume_queue},
    {Path::workers, Method::get, RouteId::list_workers},
    {Path::jobs, Method::get, RouteId::list_jobs},
    {Path::jobs, Method::post, RouteId::submit_job},
    {Path::jobs_batch, Method::post, RouteId::submit_batch},
    {Path::job, Method::get, RouteId::get_job},
    {Path::job, Method::delete_, RouteId::cancel_job},
    {Path::job_retry, Method::post, RouteId::retry_job},
    {Path::queues, Method::get, RouteId::list_queues},
    {Path::queue_dead, Method::get, RouteId::list_dead},
    {Path::queue_dead, Method::delete_, RouteId::purge_dead},
    {Path::queue_dead_requeue, Method::post, RouteId::requeue_dead},
    {Path::healthz, Method::get, RouteId::healthz},
    {Path::readyz, Method::get, RouteId::readyz},
    {Path::metrics, Method::get, RouteId::metrics},
    {Path::websocket, Method::get, RouteId::websocket},
    {Path::openapi, Method::get, RouteId::openapi},
    {Path::root, Method::get, RouteId::dashboard},
    {Path::asset, Method::get, RouteId::dashboard_asset},
    {Path::schedules, Method::get, RouteId::list_schedules},
    {Path::schedule, Method::get, RouteId::get_schedule},
    {Path::schedule, Method::put, RouteId::put_schedule},
    {Path::schedule, Method::delete_, RouteId::delete_schedule},
    {Path::schedule_pause, Method::post, RouteId::pause_schedule},
    {Path::schedule_resume, Method::post, RouteId::resume_schedule},
}};

std::string_view method_name(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::delete_: return "DELETE";
    case Method::options: return "OPTIONS";
    case Method::other: return "";
  }
  return "";
}

// The one path segment after `prefix`, and what follows it ("" or "/..."); nothing when the
// path does not start with `prefix` or the segment is empty.
std::optional<std::pair<std::string_view, std::string_view>> segment_after(
    std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = path.substr(prefix.size());
  const std::size_t slash = std::min(rest.find('/'), rest.size());
  if (slash == 0) return std::nullopt;
  return std::pair{rest.substr(0, slash), rest.substr(slash)};
}

Path classify(std::string_view path, std::string& job_id, std::string& queue, std::string& asset,
              std::string& schedule) {
  if (path == "/schedules") return Path::schedules;
  if (path == "/") return Path::root;
  if (path == "/openapi.json") return Path::openapi;
  if (path == "/jobs") return Path::jobs;
  if (path == "/jobs/batch") return Path::jobs_batch;
  if (path == "/queues") return Path::queues;
  if (path == "/workers") return Path::workers;
  if (path == "/healthz") return Path::healthz;
  if (path == "/readyz") return Path::readyz;
  if (path == "/metrics") return Path::metrics;
  if (path == "/ws") return Path::websocket;
  if (const auto job = segment_after(path, "/jobs/")) {
    job_id = job->first;
    if (job->second.empty()) return Path::job;
    if (job->second == "/retry") return Path::job_retry;
  } else if (const auto s = segment_after(path, "/schedules/")) {
    schedule = s->first;
    if (s->second.empty()) return Path::schedule;
    if (s->second == "/pause") return Path::schedule_pause;
    if (s->second == "/resume") return Path::schedule_resume;
  } else if (const auto a = segment_after(path, "/assets/")) {
    asset = a->first;
    if (a->second.empty()) return Path::asset;
  } else if (const auto q = segment_after(path, "/queues/")) {
    queue = q->first;
    if (q->second == "/dead") return Path::queue_dead;
    if (q->second == "/dead/requeue") return Path::queue_dead_requeue;
    if (q->second == "/pause") return Path::queue_pause;
    if (q->second == "/resume") return Path::queue_resume;
  }
  return Path::unknown;
}

std::string_view path_template(Path p) {
  switch (p) {
    case Path::jobs: return "/jobs";
    case Path::jobs_batch: return "/jobs/batch";
    case Path::job: return "/jobs/{id}";
    case Path::job_retry: return "/jobs/{id}/retry";
    case Path::queues: return "/queues";
    case Path::queue_dead: return "/queues/{name}/dead";
    case Path::queue_dead_requeue: return "/queues/{name}/dead/requeue";
    case Path::queue_pause: return "/queues/{name}/pause";
    case Path::queue_resume: return "/queues/{name}/resume";
    case Path::workers: return "/workers";
    case Path::healthz: return "/healthz";
    case Path::readyz: return "/readyz";
    case Path::metrics: return "/metrics";
    case Path::websocket: return "/ws";
    case Path::openapi: return "/openapi.json";
    case Path::root: return "/";
    case Path::asset: return "/assets/{name}";
    case Path::schedules: return "/schedules";
    case Path::schedule: return "/schedules/{name}";
    case Path::schedule_pause: return "/schedules/{name}/pause";
    case Path::schedule_resume: return "/schedules/{name}/resume";
    case Path::unknown: break;
  }
  return "";
}

std::string_view openapi_method(Method m) {
  switch (m) {
    case Method::get: return "get";
    case Method::post: return "post";
    case Method::delete_: return "delete";
    case Method::put: return "put";
    default: return "";
  }
}

}  // namespace

std::vector<RouteTemplate> route_table() {
  std::vector<RouteTemplate> out;
  for (const Binding& b : bindings) {
    out.push_back({openapi_method(b.method), path_template(b.path), b.id});
  }
  return out;
}

std::string_view route_name(RouteId id) {
  switch (id) {
    case RouteId::submit_job: return "submit_job";
    case RouteId::submit_batch: return "submit_batch";
    case RouteId::list_jobs: return "list_jobs";
    case RouteId::get_job: return "get_job";
    case RouteId::cancel_job: return "cancel_job";
    case RouteId::retry_job: return "retry_job";
    case RouteId::list_queues: return "list_queues";
    case RouteId::list_dead: return "list_dead";
    case RouteId::list_workers: return "list_workers";
    case RouteId::requeue_dead: return "requeue_dead";
    case RouteId::purge_dead: return "purge_dead";
    case RouteId::pause_queue: return "pause_queue";
    case RouteId::resume_queue: return "resume_queue";
    case RouteId::healthz: return "healthz";
    case RouteId::readyz: return "readyz";
    case RouteId::metrics: return "metrics";
    case RouteId::websocket: return "websocket";
    case RouteId::openapi: return "openapi";
    case RouteId::dashboard: return "dashboard";
    case RouteId::dashboard_asset: return "dashboard_asset";
    case RouteId::list_schedules: return "list_schedules";
    case RouteId::get_schedule: return "get_schedule";
    case RouteId::put_schedule: return "put_schedule";
    case RouteId::delete_schedule: return "delete_schedule";
    case RouteId::pause_schedule: return "pause_schedule";
    case RouteId::resume_schedule: return "resume_schedule";
  }
  return "unknown";
}

std::variant<RouteMatch, RouteMiss> route(Method method, std::string_view path) {
  std::string job_id;
  std::string queue;
  std::string asset;
  std::string schedule;
  const Path p = classify(path, job_id, queue, asset, schedule);
  if (p == Path::unknown) return RouteMiss{404, {}};
  // HEAD is GET without the body (http_session drops it).
  const Method wanted = method == Method::head ? Method::get : method;
  std::string allow;
  for (const Binding& b : bindings) {
    if (b.path != p) continue;
    if (b.method == wanted) {
      return RouteMatch{b.id, std::move(job_id), std::move(queue), std::move(asset),
                        std::move(schedule)};
    }
    if (!allow.empty()) allow += ", ";
    allow += method_name(b.method);
  }
  return RouteMiss{405, std::move(allow)};
}

}  // namespace coqueue::server
