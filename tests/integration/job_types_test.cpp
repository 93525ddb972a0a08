// Which job types a server accepts: its own handlers', the ones --types lists, and the ones a
// worker program with handlers of its own advertises (the example of docs/handlers.md).

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

TEST(JobTypes, ListedTypesAreAcceptedBeforeAnyWorkerRunsThem) {
  ServerProcess server({"--workers", "0", "--types", "thumbnail,transcode"});
  HttpClient client(server.port());
  EXPECT_EQ(client.post_json("/jobs", R"({"type": "thumbnail", "payload": {"any": 1}})").status,
            202u);
  const HttpReply unknown = client.post_json("/jobs", R"({"type": "resize"})");
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(unknown.error_code(), "unknown_job_type");
  const std::string message(unknown.json().at("error").at("message").as_string());
  EXPECT_NE(message.find("thumbnail"), std::string::npos) << message;
  EXPECT_NE(message.find("--types"), std::string::npos) << message;
}

TEST(JobTypes, AWorkerProgramsOwnTypeIsAdvertisedAndRuns) {
  RedisServer redis;
  ServerProcess server({"--backend", "redis", "--redis", redis.url()});
  HttpClient client(server.port());
  const std::string job = R"({"type": "word_count", "payload": {"text": "a b a c a b", "top": 2}})";
  EXPECT_EQ(client.post_json("/jobs", job).status, 422u);  // no worker has said it runs it yet

  WorkerProcess worker(redis.url(), {}, COQUEUE_EXAMPLE_WORKER_BIN);
  const std::string id = client.submit(job);
  const auto done = client.get("/jobs/" + id + "?wait_ms=10000").json();
  ASSERT_EQ(done.at("status"), "completed") << done;
  EXPECT_EQ(done.at("result").at("words"), 6);
  EXPECT_EQ(done.at("result").at("distinct"), 3);
  EXPECT_EQ(done.at("result").at("top").at("a"), 3);
  EXPECT_EQ(done.at("result").at("top").at("b"), 2);
  EXPECT_FALSE(done.at("result").at("top").as_object().contains("c"));
  EXPECT_EQ(done.at("progress").at("stage"), "ranking");  // reported by the handler

  // The server has no handler for it, so a bad payload is the worker's to refuse: the run fails.
  const std::string bad =
      client.submit(R"({"type": "word_count", "payload": {"words": 1}, "max_attempts": 1})");
  const auto failed = client.get("/jobs/" + bad + "?wait_ms=10000").json();
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_NE(std::string(failed.at("error").as_string()).find("payload must be"), std::string::npos);
}

}  // namespace
}  // namespace coqueue::test
