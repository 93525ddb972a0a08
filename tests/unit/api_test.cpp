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
                                            std::move(body)}));
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
  const Response wrong_method = call(Method::get, "/jobs");
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

}  // namespace
}  // namespace coqueue::server
