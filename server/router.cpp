#include "server/router.hpp"

#include <array>

namespace coqueue::server {
namespace {

enum class Path { jobs, job, queues, healthz, readyz, unknown };

struct Binding {
  Path path;
  Method method;
  RouteId id;
};

constexpr std::array<Binding, 6> bindings{{
    {Path::jobs, Method::post, RouteId::submit_job},
    {Path::job, Method::get, RouteId::get_job},
    {Path::job, Method::delete_, RouteId::cancel_job},
    {Path::queues, Method::get, RouteId::list_queues},
    {Path::healthz, Method::get, RouteId::healthz},
    {Path::readyz, Method::get, RouteId::readyz},
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

Path classify(std::string_view path, std::string& job_id) {
  if (path == "/jobs") return Path::jobs;
  if (path == "/queues") return Path::queues;
  if (path == "/healthz") return Path::healthz;
  if (path == "/readyz") return Path::readyz;
  constexpr std::string_view job_prefix = "/jobs/";
  if (path.starts_with(job_prefix)) {
    const std::string_view rest = path.substr(job_prefix.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos) {
      job_id = rest;
      return Path::job;
    }
  }
  return Path::unknown;
}

}  // namespace

std::variant<RouteMatch, RouteMiss> route(Method method, std::string_view path) {
  std::string job_id;
  const Path p = classify(path, job_id);
  if (p == Path::unknown) return RouteMiss{404, {}};
  // HEAD is GET without the body (http_session drops it).
  const Method wanted = method == Method::head ? Method::get : method;
  std::string allow;
  for (const Binding& b : bindings) {
    if (b.path != p) continue;
    if (b.method == wanted) return RouteMatch{b.id, std::move(job_id)};
    if (!allow.empty()) allow += ", ";
    allow += method_name(b.method);
  }
  return RouteMiss{405, std::move(allow)};
}

}  // namespace coqueue::server
