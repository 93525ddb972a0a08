// The API as a function: requests in, responses out, no sockets.

#include "server/api.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/queue/memory_broker.hpp"
#include "tests/support/run_coroutine.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::server {
namespace {

using namespace std::chrono_literals;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : broker(io.get_executor(), {}), api(broker, registry, ApiSettings{}) {
    worker::builtin::register_all(registry);
  }

  Response call(Method method, std::string target, std::string body = {},
                std::string content_type = "application/json") {
    return test::run(io, api.handle(Request{method, std::move(target), std::move(content_type),
                                            std::move(body), "", false}));
  }

  static std::string code(const Response& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
  }

  asio::io_context io;
  worker::Registry registry;
  MemoryBroker broker;
  Api api;
};

TEST_F(ApiTest, SubmitAnswers202WithLocation) {
  const Response r = call(Method::post, "/jobs", R"({"type": "echo", "payload": [1, 2]})");
  EXPECT_EQ(r.status, 202u);
  const auto body = boost::json::parse(r.body);
  EXPECT_EQ(body.at("status"), "queued");
  const std::string id(body.at("id").as_string());
  EXPECT_EQ(body.at("status_url").as_string(), "/jobs/" + id);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Location");
  EXPECT_EQ(r.headers[0].second, "/jobs/" + id);
}

TEST_F(ApiTest, ADelayedJobIsScheduled) {
  const Response r = call(Method::post, "/jobs", R"({"type": "echo", "delay_ms": 60000})");
  EXPECT_EQ(boost::json::parse(r.body).at("status"), "scheduled");
}

TEST_F(ApiTest, SubmitErrors) {
  EXPECT_EQ(call(Method::post, "/jobs", "{", "application/json").status, 400u);
  EXPECT_EQ(code(call(Method::post, "/jobs", "{")), "malformed_json");
  EXPECT_EQ(call(Method::post, "/jobs", R"({"type":"echo"})", "text/plain").status, 415u);
  EXPECT_EQ(call(Method::post, "/jobs", R"({"type":"echo"})", "").status, 415u);
  EXPECT_EQ(
      call(Method::post, "/jobs", R"({"type":"echo"})", "Application/JSON; charset=utf-8").status,
      202u);
  EXPECT_EQ(code(call(Method::post, "/jobs", R"({"type":"nope"})")), "unknown_job_type");
  EXPECT_EQ(call(Method::post, "/jobs", R"({"type":"nope"})").status, 422u);
  EXPECT_EQ(code(call(Method::post, "/jobs", R"({"type":"sleep","payload":{"ms":"x"}})")),
            "invalid_payload");
  EXPECT_EQ(call(Method::post, "/jobs", R"({"type":"sleep"})").status, 422u);
  EXPECT_EQ(code(call(Method::post, "/jobs", R"({"type":"echo","queue":"a b"})")), "invalid_queue");
  EXPECT_EQ(call(Method::post, "/jobs", "[1]").status, 400u);
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_EQ(code(call(Method::post, "/jobs", deep)), "malformed_json");  // nesting is bounded
  EXPECT_EQ(code(call(Method::post, "/jobs", "{\"type\":\"echo\",\"payload\":\"\xff\"}")),
            "malformed_json");  // invalid UTF-8
}

TEST_F(ApiTest, RoutingErrors) {
  const Response wrong_method = call(Method::delete_, "/jobs");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(code(wrong_method), "method_not_allowed");
  EXPECT_EQ(wrong_method.headers.at(0).first, "Allow");
  EXPECT_EQ(call(Method::get, "/nowhere").status, 404u);
  EXPECT_EQ(code(call(Method::get, "/jobs/not-an-id")), "job_not_found");
  EXPECT_EQ(call(Method::get, "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858").status, 404u);
  EXPECT_EQ(call(Method::delete_, "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858").status, 404u);
  EXPECT_EQ(code(call(Method::get, "http://elsewhere/jobs")), "invalid_target");
}

TEST_F(ApiTest, WaitMustBeANonNegativeInteger) {
  const Response r = call(Method::post, "/jobs", R"({"type": "echo"})");
  const std::string id(boost::json::parse(r.body).at("id").as_string());
  EXPECT_EQ(code(call(Method::get, "/jobs/" + id + "?wait_ms=abc")), "invalid_query");
  EXPECT_EQ(call(Method::get, "/jobs/" + id + "?wait_ms=-1").status, 400u);
  EXPECT_EQ(call(Method::get, "/jobs/" + id + "?wait_ms=0").status, 200u);
}

TEST_F(ApiTest, CancelAQueuedJobThenAgain) {
  const Response r = call(Method::post, "/jobs", R"({"type": "echo"})");
  const std::string id(boost::json::parse(r.body).at("id").as_string());
  const Response cancelled = call(Method::delete_, "/jobs/" + id);
  EXPECT_EQ(cancelled.status, 200u);
  EXPECT_EQ(boost::json::parse(cancelled.body).at("status"), "cancelled");
  const Response again = call(Method::delete_, "/jobs/" + id);
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(code(again), "job_finished");
}

TEST_F(ApiTest, HealthReadinessAndQueues) {
  EXPECT_EQ(call(Method::get, "/healthz").status, 200u);
  const Response ready = call(Method::get, "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(boost::json::parse(ready.body).at("backend"), "memory");
  call(Method::post, "/jobs", R"({"type": "echo", "queue": "mail"})");
  const auto queues = boost::json::parse(call(Method::get, "/queues").body);
  EXPECT_EQ(queues.at("queues").at("mail").at("queued"), 1);
  EXPECT_EQ(queues.at("totals").at("queued"), 1);
  api.begin_shutdown();
  EXPECT_EQ(call(Method::get, "/readyz").status, 503u);
}

TEST_F(ApiTest, TheJobBrowserPagesNewestFirstAndRefusesABadQuery) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const Response r = call(Method::post, "/jobs", R"({"type": "echo", "queue": "mail"})");
    ids.emplace_back(boost::json::parse(r.body).at("id").as_string());
  }
  const auto first = boost::json::parse(call(Method::get, "/jobs?limit=2&queue=mail").body);
  ASSERT_EQ(first.at("jobs").as_array().size(), 2u);
  EXPECT_EQ(first.at("jobs").at(0).at("id").as_string(), ids[2]);
  EXPECT_EQ(first.at("jobs").at(1).at("id").as_string(), ids[1]);
  const std::string cursor(first.at("next_cursor").as_string());
  const auto second = boost::json::parse(call(Method::get, "/jobs?limit=2&cursor=" + cursor).body);
  ASSERT_EQ(second.at("jobs").as_array().size(), 1u);
  EXPECT_EQ(second.at("jobs").at(0).at("id").as_string(), ids[0]);
  EXPECT_TRUE(second.at("next_cursor").is_null());
  EXPECT_EQ(boost::json::parse(call(Method::get, "/jobs?status=queued&type=echo").body)
                .at("jobs")
                .as_array()
                .size(),
            3u);
  EXPECT_TRUE(boost::json::parse(call(Method::get, "/jobs?status=failed").body)
                  .at("jobs")
                  .as_array()
                  .empty());

  for (const char* bad : {"/jobs?status=done", "/jobs?limit=0", "/jobs?limit=501", "/jobs?limit=x",
                          "/jobs?cursor=abc", "/jobs?type=%20"}) {
    const Response r = call(Method::get, bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(code(r), "invalid_query") << bad;
  }
  EXPECT_EQ(code(call(Method::get, "/jobs?queue=a%7Bb")), "invalid_queue");
}

TEST_F(ApiTest, TheDashboardAndTheOpenApiDocumentAreServedFromTheBinary) {
  const Response page = call(Method::get, "/");
  EXPECT_EQ(page.status, 200u);
  EXPECT_TRUE(page.content_type.starts_with("text/html"));
  EXPECT_NE(page.body.find("app.js"), std::string::npos);
  const auto header = [](const Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  EXPECT_NE(header(page, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  const Response script = call(Method::get, "/assets/app.js");
  EXPECT_EQ(script.status, 200u);
  EXPECT_TRUE(script.content_type.starts_with("text/javascript"));
  EXPECT_EQ(call(Method::get, "/assets/style.css").status, 200u);
  EXPECT_EQ(code(call(Method::get, "/assets/nothing.js")), "not_found");
}

// docs/openapi.yaml, served as JSON, names every route the router knows, under the same
// operationId as the route's metrics label.
TEST_F(ApiTest, TheOpenApiDocumentDescribesEveryRoute) {
  const Response r = call(Method::get, "/openapi.json");
  ASSERT_EQ(r.status, 200u);
  const boost::json::value doc = boost::json::parse(r.body);
  EXPECT_TRUE(doc.at("openapi").as_string().starts_with("3."));
  const boost::json::object& paths = doc.at("paths").as_object();
  std::size_t operations = 0;
  for (const RouteTemplate& route : route_table()) {
    const auto* path = paths.if_contains(route.path);
    ASSERT_NE(path, nullptr) << route.path;
    const auto* operation = path->as_object().if_contains(route.method);
    ASSERT_NE(operation, nullptr) << route.method << " " << route.path;
    EXPECT_EQ(operation->at("operationId").as_string(), route_name(route.id)) << route.path;
    ++operations;
  }
  // And nothing more: no route in the document that the server does not have.
  std::size_t documented = 0;
  for (const auto& [path, item] : paths) {
    for (const auto& [method, operation] : item.as_object()) {
      if (method == "get" || method == "post" || method == "delete" || method == "put") {
        ++documented;
      }
    }
  }
  EXPECT_EQ(documented, operations);
}

TEST_F(ApiTest, SchedulesArePutReadPausedAndDeleted) {
  const char* body = R"({"every_ms": 10000, "job": {"type": "echo", "payload": {"n": 1}}})";
  const Response created = call(Method::put, "/schedules/health-check", body);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto record = boost::json::parse(created.body);
  EXPECT_EQ(record.at("name").as_string(), "health-check");
  EXPECT_EQ(record.at("next_fire_times").as_array().size(), 5u);
  EXPECT_EQ(call(Method::put, "/schedules/health-check", body).status, 200u);
  EXPECT_EQ(
      boost::json::parse(call(Method::get, "/schedules").body).at("schedules").as_array().size(),
      1u);
  const auto paused = boost::json::parse(call(Method::post, "/schedules/health-check/pause").body);
  EXPECT_EQ(paused.at("paused"), true);
  EXPECT_TRUE(paused.at("next_fire_times").as_array().empty());
  EXPECT_EQ(call(Method::post, "/schedules/health-check/resume").status, 200u);
  EXPECT_EQ(call(Method::delete_, "/schedules/health-check").status, 200u);
  EXPECT_EQ(code(call(Method::get, "/schedules/health-check")), "schedule_not_found");
  EXPECT_EQ(code(call(Method::delete_, "/schedules/health-check")), "schedule_not_found");

  EXPECT_EQ(code(call(Method::put, "/schedules/x", R"({"every_ms": 10})")), "invalid_schedule");
  EXPECT_EQ(
      code(call(Method::put, "/schedules/x", R"({"cron": "* * *", "job": {"type": "echo"}})")),
      "invalid_schedule");
  EXPECT_EQ(code(call(Method::put, "/schedules/x",
                      R"({"every_ms": 1000, "job": {"type": "transcode"}})")),
            "unknown_job_type");
  EXPECT_EQ(code(call(Method::put, "/schedules/x", "{", "application/json")), "malformed_json");
  EXPECT_EQ(call(Method::put, "/schedules/x", "{}", "text/plain").status, 415u);
}

TEST(ApiAccess, TokensGuardEveryRouteButHealthAndTheDashboardsFiles) {
  asio::io_context io;
  MemoryBroker broker(io.get_executor(), {});
  worker::Registry registry;
  worker::builtin::register_all(registry);
  const std::string client = "client-token-0123456789";
  const std::string admin = "admin-token-0123456789ab";
  Api api(broker, registry, ApiSettings{}, AccessSettings{{client}, {admin}, false});
  const auto call = [&](Method m, std::string target, std::string token) {
    Request r{m, std::move(target), "application/json", "", "", false};
    if (!token.empty()) r.authorization = "Bearer " + token;
    return test::run(io, api.handle(std::move(r))).status;
  };
  EXPECT_EQ(call(Method::get, "/healthz", ""), 200u);
  EXPECT_EQ(call(Method::get, "/", ""), 200u);
  EXPECT_EQ(call(Method::get, "/openapi.json", ""), 200u);
  EXPECT_EQ(call(Method::get, "/queues", ""), 401u);
  EXPECT_EQ(call(Method::get, "/metrics", ""), 401u);
  EXPECT_EQ(call(Method::get, "/queues", client), 200u);
  EXPECT_EQ(call(Method::get, "/jobs", client), 200u);
  EXPECT_EQ(call(Method::post, "/queues/default/pause", client), 403u);
  EXPECT_EQ(call(Method::post, "/queues/default/pause", admin), 200u);
  EXPECT_EQ(call(Method::get, "/queues", "not-a-valid-token-at-all"), 401u);
  // Unknown paths are 404 whoever asks: the token is checked on routes only.
  EXPECT_EQ(call(Method::get, "/nowhere", ""), 404u);
  // A page of another origin may read, but not change anything, whatever its token.
  Request cross{Method::post, "/queues/default/pause", "", "", "Bearer " + admin, true};
  EXPECT_EQ(test::run(io, api.handle(std::move(cross))).status, 403u);
  Request cross_read{Method::get, "/queues", "", "", "Bearer " + client, true};
  EXPECT_EQ(test::run(io, api.handle(std::move(cross_read))).status, 200u);
  // Requests made inside the server (a WebSocket authorized at its upgrade) need no token.
  Request inside{Method::get, "/queues", "", "", "", false};
  EXPECT_EQ(test::run(io, api.handle_unrecorded(std::move(inside))).status, 200u);
}

}  // namespace
}  // namespace coqueue::server
