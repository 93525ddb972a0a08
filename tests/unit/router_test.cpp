#include "server/router.hpp"

#include <set>

#include <gtest/gtest.h>

namespace coqueue::server {
namespace {

RouteId matched(Method m, std::string_view path) {
  auto r = route(m, path);
  EXPECT_TRUE(std::holds_alternative<RouteMatch>(r)) << path;
  return std::get<RouteMatch>(r).id;
}

RouteMiss missed(Method m, std::string_view path) {
  auto r = route(m, path);
  EXPECT_TRUE(std::holds_alternative<RouteMiss>(r)) << path;
  return std::holds_alternative<RouteMiss>(r) ? std::get<RouteMiss>(r) : RouteMiss{0, {}};
}

TEST(Router, KnownRoutes) {
  EXPECT_EQ(matched(Method::post, "/jobs"), RouteId::submit_job);
  EXPECT_EQ(matched(Method::get, "/jobs/abc"), RouteId::get_job);
  EXPECT_EQ(matched(Method::delete_, "/jobs/abc"), RouteId::cancel_job);
  EXPECT_EQ(matched(Method::get, "/queues"), RouteId::list_queues);
  EXPECT_EQ(matched(Method::get, "/workers"), RouteId::list_workers);
  EXPECT_EQ(matched(Method::get, "/healthz"), RouteId::healthz);
  EXPECT_EQ(matched(Method::get, "/readyz"), RouteId::readyz);
  EXPECT_EQ(std::get<RouteMatch>(route(Method::get, "/jobs/the-id")).job_id, "the-id");
}

TEST(Router, BatchSubmission) {
  EXPECT_EQ(matched(Method::post, "/jobs/batch"), RouteId::submit_batch);
  EXPECT_EQ(missed(Method::get, "/jobs/batch").allow, "POST");
}

TEST(Router, DeadLetterRoutes) {
  EXPECT_EQ(matched(Method::post, "/jobs/abc/retry"), RouteId::retry_job);
  EXPECT_EQ(std::get<RouteMatch>(route(Method::post, "/jobs/abc/retry")).job_id, "abc");
  EXPECT_EQ(matched(Method::get, "/queues/emails/dead"), RouteId::list_dead);
  EXPECT_EQ(matched(Method::delete_, "/queues/emails/dead"), RouteId::purge_dead);
  EXPECT_EQ(matched(Method::post, "/queues/emails/dead/requeue"), RouteId::requeue_dead);
  EXPECT_EQ(matched(Method::post, "/queues/emails/pause"), RouteId::pause_queue);
  EXPECT_EQ(matched(Method::post, "/queues/emails/resume"), RouteId::resume_queue);
  EXPECT_EQ(std::get<RouteMatch>(route(Method::get, "/queues/emails/dead")).queue, "emails");
  EXPECT_EQ(missed(Method::get, "/jobs/abc/retry").allow, "POST");
  EXPECT_EQ(missed(Method::post, "/queues/emails/dead").allow, "GET, DELETE");
}

TEST(Router, HeadIsGetWithoutTheBody) {
  EXPECT_EQ(matched(Method::head, "/healthz"), RouteId::healthz);
  EXPECT_EQ(matched(Method::head, "/jobs/abc"), RouteId::get_job);
  EXPECT_EQ(matched(Method::head, "/jobs"), RouteId::list_jobs);
}

TEST(Router, WrongMethodIs405WithAllow) {
  EXPECT_EQ(missed(Method::delete_, "/jobs").status, 405u);
  EXPECT_EQ(missed(Method::delete_, "/jobs").allow, "GET, POST");
  EXPECT_EQ(missed(Method::put, "/jobs/abc").allow, "GET, DELETE");
  EXPECT_EQ(missed(Method::post, "/healthz").allow, "GET");
  EXPECT_EQ(missed(Method::other, "/queues").status, 405u);
}

TEST(Router, TheJobBrowserTheDashboardAndTheDocument) {
  EXPECT_EQ(matched(Method::get, "/jobs"), RouteId::list_jobs);
  EXPECT_EQ(matched(Method::post, "/jobs"), RouteId::submit_job);
  EXPECT_EQ(matched(Method::get, "/"), RouteId::dashboard);
  EXPECT_EQ(matched(Method::get, "/openapi.json"), RouteId::openapi);
  EXPECT_EQ(matched(Method::get, "/assets/app.js"), RouteId::dashboard_asset);
  EXPECT_EQ(std::get<RouteMatch>(route(Method::get, "/assets/app.js")).asset, "app.js");
  EXPECT_EQ(missed(Method::post, "/").allow, "GET");
}

TEST(Router, TheRouteTableNamesEveryRouteOnce) {
  const std::vector<RouteTemplate> table = route_table();
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const RouteTemplate& r : table) {
    EXPECT_FALSE(r.method.empty());
    EXPECT_TRUE(r.path.starts_with("/"));
    EXPECT_TRUE(seen.emplace(r.method, r.path).second) << r.method << " " << r.path;
  }
  EXPECT_EQ(table.size(), 26u);
}

TEST(Router, UnknownPathsAre404) {
  for (const char* path :
       {"//", "/assets", "/assets/", "/assets/a/b", "/index.html", "/job", "/jobs/", "/jobs/a/b",
        "/jobs//", "/queues/x", "/healthz/", "/JOBS", "/jobs/../queues", "", "/jobs//retry",
        "/queues//dead", "/queues/x/dead/", "/queues/x/dead/requeue/x", "/jobs/a/retry/"}) {
    EXPECT_EQ(missed(Method::get, path).status, 404u) << path;
  }
}

}  // namespace
}  // namespace coqueue::server
