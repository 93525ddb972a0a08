// Every route and every error code, spoken over HTTP to a real coqueue-server process.

#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class HttpApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server =
        new ServerProcess({"--workers", "4", "--retry-base", "20ms", "--queues", "default,dlq"});
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }

  HttpClient client{server->port()};
  static ServerProcess* server;
};

ServerProcess* HttpApiTest::server = nullptr;

TEST_F(HttpApiTest, SubmitThenWaitForTheResult) {
  const HttpReply submitted =
      client.post_json("/jobs", R"({"type": "echo", "payload": {"hello": ["world", 1]}})");
  ASSERT_EQ(submitted.status, 202u) << submitted.body;
  EXPECT_EQ(submitted.headers.at("content-type"), "application/json");
  EXPECT_EQ(submitted.headers.at("content-length"), std::to_string(submitted.body.size()));
  const std::string id(submitted.json().at("id").as_string());
  EXPECT_EQ(submitted.headers.at("location"), "/jobs/" + id);

  const HttpReply done = client.get("/jobs/" + id + "?wait_ms=5000");
  ASSERT_EQ(done.status, 200u);
  const auto job = done.json();
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("result").at("hello").at(0), "world");
  EXPECT_EQ(job.at("attempts"), 1);
  EXPECT_EQ(job.at("queue"), "default");
  EXPECT_FALSE(job.at("worker").is_null());
  EXPECT_FALSE(job.at("finished_at").is_null());
}

TEST_F(HttpApiTest, WaitWakesWhenTheJobEndsNotAtItsTimeout) {
  const std::string id = client.submit(R"({"type": "sleep", "payload": {"ms": 200}})");
  const auto start = Clock::now();
  const HttpReply done = client.get("/jobs/" + id + "?wait_ms=10000");
  const auto took = Clock::now() - start;
  EXPECT_EQ(done.json().at("status"), "completed");
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 2s);  // far from the 10 s wait
}

// POST /jobs?wait_ms=: one request per job when the job ends within the wait.
TEST_F(HttpApiTest, ASubmissionThatWaitsAnswersWithTheEndedJob) {
  const HttpReply done =
      client.post_json("/jobs?wait_ms=5000", R"({"type": "echo", "payload": {"x": [1, 2]}})");
  ASSERT_EQ(done.status, 200u) << done.body;
  const auto job = done.json();
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("result").at("x").at(1), 2);
  EXPECT_EQ(client.get("/jobs/" + std::string(job.at("id").as_string())).json().at("result"),
            job.at("result"));

  const HttpReply failed = client.post_json(
      "/jobs?wait_ms=5000", R"({"type": "fail", "payload": {}, "max_attempts": 1})");
  ASSERT_EQ(failed.status, 200u) << failed.body;
  EXPECT_EQ(failed.json().at("status"), "failed");
}

// A repeat of a waiting submission (same idempotency key) waits for the same job's end.
TEST_F(HttpApiTest, ARepeatedSubmissionThatWaitsAnswersWithTheSameEndedJob) {
  const std::string body =
      R"({"type": "sleep", "payload": {"ms": 300}, "idempotency_key": "wait-twice"})";
  HttpReply first;
  std::thread submitter(
      [&] { first = HttpClient(server->port()).post_json("/jobs?wait_ms=5000", body); });
  std::this_thread::sleep_for(100ms);  // the job is running by now
  const HttpReply repeat = client.post_json("/jobs?wait_ms=5000", body);
  submitter.join();
  ASSERT_EQ(first.status, 200u) << first.body;
  ASSERT_EQ(repeat.status, 200u) << repeat.body;
  EXPECT_EQ(first.json().at("id"), repeat.json().at("id"));
  EXPECT_EQ(repeat.json().at("status"), "completed");
  // Once it ended, a repeat answers at once.
  const HttpReply late = client.post_json("/jobs?wait_ms=5000", body);
  EXPECT_EQ(late.status, 200u);
  EXPECT_EQ(late.json().at("id"), first.json().at("id"));
}

TEST_F(HttpApiTest, ASubmissionWhoseWaitRunsOutIsAcceptedAsUsual) {
  const auto start = Clock::now();
  const HttpReply r =
      client.post_json("/jobs?wait_ms=150", R"({"type": "sleep", "payload": {"ms": 600}})");
  EXPECT_GE(Clock::now() - start, 140ms);
  ASSERT_EQ(r.status, 202u) << r.body;
  const std::string id(r.json().at("id").as_string());
  EXPECT_EQ(r.headers.at("location"), "/jobs/" + id);
  EXPECT_TRUE(r.json().at("status") == "queued" || r.json().at("status") == "processing");
  EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=5000").json().at("status"), "completed");
}

TEST_F(HttpApiTest, ASubmissionWithABadWaitIsRefusedAndQueuesNothing) {
  const auto before = client.get("/queues").json().at("totals").at("queued");
  const HttpReply r =
      client.post_json("/jobs?wait_ms=-5", R"({"type": "sleep", "payload": {"ms": 1}})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.json().at("error").at("code"), "invalid_query");
  EXPECT_EQ(client.get("/queues").json().at("totals").at("queued"), before);
}

TEST_F(HttpApiTest, WaitOnAJobThatDoesNotEndReturnsItAsItStands) {
  const std::string id = client.submit(R"({"type": "echo", "delay_ms": 60000})");
  const auto start = Clock::now();
  const HttpReply r = client.get("/jobs/" + id + "?wait_ms=150");
  EXPECT_GE(Clock::now() - start, 140ms);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("status"), "scheduled");
  EXPECT_FALSE(r.json().at("scheduled_for").is_null());
  EXPECT_EQ(client.request("DELETE", "/jobs/" + id).status, 200u);
}

TEST_F(HttpApiTest, RetriesThenFails) {
  const std::string retried = client.submit(R"({"type": "fail", "payload": {"times": 1}})");
  const auto ok = client.get("/jobs/" + retried + "?wait_ms=10000").json();
  EXPECT_EQ(ok.at("status"), "completed");
  EXPECT_EQ(ok.at("attempts"), 2);
  const std::string doomed = client.submit(R"({"type": "fail", "max_attempts": 2})");
  const auto failed = client.get("/jobs/" + doomed + "?wait_ms=10000").json();
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_EQ(failed.at("attempts"), 2);
  EXPECT_EQ(failed.at("error"), "failing attempt 2 as asked");
}

TEST_F(HttpApiTest, TimeoutFailsTheRun) {
  const std::string id = client.submit(
      R"({"type": "sleep", "payload": {"ms": 10000}, "timeout_ms": 50, "max_attempts": 1})");
  const auto job = client.get("/jobs/" + id + "?wait_ms=10000").json();
  EXPECT_EQ(job.at("status"), "failed");
  EXPECT_EQ(job.at("error"), "timeout");
}

TEST_F(HttpApiTest, CancelQueuedRunningAndFinishedJobs) {
  const std::string scheduled = client.submit(R"({"type": "echo", "delay_ms": 60000})");
  const HttpReply at_once = client.request("DELETE", "/jobs/" + scheduled);
  EXPECT_EQ(at_once.status, 200u);
  EXPECT_EQ(at_once.json().at("status"), "cancelled");

  const std::string running = client.submit(R"({"type": "sleep", "payload": {"ms": 30000}})");
  for (int i = 0; i < 500 && client.get("/jobs/" + running).json().at("status") != "processing";
       ++i) {
    std::this_thread::sleep_for(2ms);
  }
  const auto start = Clock::now();
  const HttpReply asked = client.request("DELETE", "/jobs/" + running);
  EXPECT_EQ(asked.status, 202u);
  EXPECT_EQ(asked.json().at("cancel_requested"), true);
  const auto ended = client.get("/jobs/" + running + "?wait_ms=5000").json();
  EXPECT_EQ(ended.at("status"), "cancelled");
  EXPECT_LT(Clock::now() - start, 2s);

  const HttpReply too_late = client.request("DELETE", "/jobs/" + running);
  EXPECT_EQ(too_late.status, 409u);
  EXPECT_EQ(too_late.error_code(), "job_finished");
}

TEST_F(HttpApiTest, IdempotencyKey) {
  const std::string body = R"({"type": "echo", "payload": 7, "idempotency_key": "order-17"})";
  const HttpReply first = client.post_json("/jobs", body);
  const HttpReply second = client.post_json("/jobs", body);
  ASSERT_EQ(first.status, 202u);
  ASSERT_EQ(second.status, 202u);
  EXPECT_EQ(first.json().at("id"), second.json().at("id"));
  EXPECT_EQ(first.json().at("created"), true);
  EXPECT_EQ(second.json().at("created"), false);
  const HttpReply conflict =
      client.post_json("/jobs", R"({"type": "echo", "payload": 8, "idempotency_key": "order-17"})");
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_EQ(conflict.error_code(), "idempotency_conflict");
}

TEST_F(HttpApiTest, QueuesHealthAndReadiness) {
  client.submit(R"({"type": "echo", "queue": "reports", "delay_ms": 60000})");
  const auto queues = client.get("/queues").json();
  EXPECT_GE(queues.at("queues").at("reports").at("scheduled").as_int64(), 1);
  EXPECT_GE(queues.at("totals").at("completed").as_int64(), 0);
  const HttpReply health = client.get("/healthz");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(health.json().at("status"), "ok");
  const HttpReply ready = client.get("/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.json().at("backend"), "memory");
}

struct ErrorCase {
  const char* method;
  const char* target;
  const char* body;
  const char* content_type;
  unsigned status;
  const char* code;
};

TEST_F(HttpApiTest, EveryErrorIsAJsonBodyNamingTheProblem) {
  const ErrorCase cases[] = {
      {"POST", "/jobs", "{not json", "application/json", 400, "malformed_json"},
      {"POST", "/jobs", "", "application/json", 400, "malformed_json"},
      {"POST", "/jobs", "[1,2]", "application/json", 400, "not_an_object"},
      {"POST", "/jobs", "{}", "application/json", 400, "missing_field"},
      {"POST", "/jobs", R"({"type": 5})", "application/json", 400, "wrong_type"},
      {"POST", "/jobs", R"({"type": "echo", "max_attempts": 0})", "application/json", 400,
       "invalid_value"},
      {"POST", "/jobs", R"({"type": "echo", "queue": "no/slash"})", "application/json", 400,
       "invalid_queue"},
      {"POST", "/jobs", R"({"type": "echo", "priority": 1})", "application/json", 400,
       "unknown_field"},
      {"POST", "/jobs", R"({"type": "transcode"})", "application/json", 422, "unknown_job_type"},
      {"POST", "/jobs", R"({"type": "sleep", "payload": {"ms": -1}})", "application/json", 422,
       "invalid_payload"},
      {"POST", "/jobs", R"({"type": "echo"})", "text/plain", 415, "unsupported_media_type"},
      {"DELETE", "/jobs", "", "", 405, "method_not_allowed"},
      {"PUT", "/jobs/x", "", "", 405, "method_not_allowed"},
      {"GET", "/nope", "", "", 404, "not_found"},
      {"GET", "/jobs/not-a-job-id", "", "", 404, "job_not_found"},
      {"GET", "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858", "", "", 404, "job_not_found"},
      {"DELETE", "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858", "", "", 404, "job_not_found"},
      {"GET", "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858?wait_ms=soon", "", "", 400,
       "invalid_query"},
      {"POST", "/jobs/01a20402-5c32-7167-a3ee-39d8ffc0e858/retry", "", "", 404, "job_not_found"},
      {"GET", "/queues/default/dead?limit=0", "", "", 400, "invalid_query"},
      {"GET", "/queues/default/dead?offset=-1", "", "", 400, "invalid_query"},
      {"GET", "/queues/no%20space/dead", "", "", 400, "invalid_queue"},
      {"POST", "/queues/default/dead", "", "", 405, "method_not_allowed"},
      {"POST", "/jobs/batch", R"({"jobs": 1})", "application/json", 400, "invalid_batch"},
      {"POST", "/jobs/batch", "{", "application/json", 400, "malformed_json"},
  };
  for (const ErrorCase& c : cases) {
    const HttpReply r = client.request(c.method, c.target, c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body << " -> "
                                  << r.body;
    EXPECT_EQ(r.error_code(), c.code) << r.body;
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
    EXPECT_FALSE(r.json().at("error").at("message").as_string().empty());
  }
  EXPECT_EQ(client.request("DELETE", "/jobs").headers.at("allow"), "GET, POST");
}

TEST_F(HttpApiTest, DeadLettersAreListedRetriedRequeuedAndPurged) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(
        client.submit(R"({"type": "fail", "payload": {}, "max_attempts": 1, "queue": "dlq"})"));
  }
  for (const std::string& id : ids) {
    EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=5000").json().at("status"), "failed");
  }
  const HttpReply page = client.get("/queues/dlq/dead?limit=2");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_EQ(page.json().at("total"), 3);
  EXPECT_EQ(page.json().at("limit"), 2);
  ASSERT_EQ(page.json().at("jobs").as_array().size(), 2u);
  EXPECT_EQ(page.json().at("jobs").at(0).at("id").as_string(), ids[2]);  // newest first
  EXPECT_EQ(page.json().at("jobs").at(0).at("error"), "failing attempt 1 as asked");
  EXPECT_EQ(client.get("/queues/dlq/dead?offset=2").json().at("jobs").at(0).at("id").as_string(),
            ids[0]);

  // One back: it runs again (and fails again: it always does).
  const HttpReply retried = client.post_json("/jobs/" + ids[0] + "/retry", "");
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(retried.json().at("id").as_string(), ids[0]);
  const auto again = client.get("/jobs/" + ids[0] + "?wait_ms=5000").json();
  EXPECT_EQ(again.at("status"), "failed");
  EXPECT_EQ(again.at("attempts"), 1);  // attempts started over

  const std::string done = client.submit(R"({"type": "echo", "payload": 1, "queue": "dlq"})");
  EXPECT_EQ(client.get("/jobs/" + done + "?wait_ms=5000").json().at("status"), "completed");
  const HttpReply not_failed = client.post_json("/jobs/" + done + "/retry", "");
  EXPECT_EQ(not_failed.status, 409u);
  EXPECT_EQ(not_failed.error_code(), "job_not_failed");

  const HttpReply requeued = client.post_json("/queues/dlq/dead/requeue", "");
  ASSERT_EQ(requeued.status, 200u) << requeued.body;
  EXPECT_EQ(requeued.json().at("requeued"), 3);
  for (const std::string& id : ids) {
    for (int i = 0; i < 50 && client.get("/jobs/" + id).json().at("status") != "failed"; ++i) {
      client.get("/jobs/" + id + "?wait_ms=100");
    }
  }
  const HttpReply purged = client.request("DELETE", "/queues/dlq/dead");
  ASSERT_EQ(purged.status, 200u) << purged.body;
  EXPECT_EQ(purged.json().at("purged"), 3);
  EXPECT_EQ(client.get("/jobs/" + ids[0]).status, 404u);
  EXPECT_EQ(client.get("/queues/dlq/dead").json().at("total"), 0);
}

TEST_F(HttpApiTest, QueuesTellHowLongTheNextJobWaitedAndWhatEndedInTheLastMinute) {
  const auto before = client.get("/queues").json();
  // No worker here serves "backlog": its job waits.
  client.submit(R"({"type": "echo", "payload": {}, "queue": "backlog"})");
  for (int i = 0; i < 3; ++i) {
    const std::string id = client.submit(R"({"type": "echo", "payload": {}})");
    client.get("/jobs/" + id + "?wait_ms=5000");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const auto after = client.get("/queues").json();
  EXPECT_GE(after.at("queues").at("backlog").at("oldest_queued_age_ms").as_int64(), 60);
  EXPECT_TRUE(after.at("queues").at("default").at("oldest_queued_age_ms").is_null());
  const auto* before_default = before.at("queues").as_object().if_contains("default");
  const std::int64_t before_completed =
      before_default ? before_default->at("completed_last_minute").as_int64() : 0;
  EXPECT_EQ(
      after.at("queues").at("default").at("completed_last_minute").as_int64() - before_completed,
      3);
  EXPECT_GE(after.at("recent_window_s").as_int64(), 0);
  EXPECT_GE(after.at("totals").at("oldest_queued_age_ms").as_int64(), 60);
}

TEST_F(HttpApiTest, ABatchIsTakenWholeAndAnsweredInOrder) {
  const auto before = client.get("/queues").json().at("totals").at("completed").as_int64();
  const HttpReply batch = client.post_json("/jobs/batch", R"({"jobs": [
      {"type": "echo", "payload": 0},
      {"type": "echo", "payload": 1, "idempotency_key": "batch-key"},
      {"type": "echo", "payload": 2, "idempotency_key": "batch-key"},
      {"type": "echo", "payload": 3}]})");
  ASSERT_EQ(batch.status, 202u) << batch.body;
  const auto out = batch.json();
  EXPECT_EQ(out.at("accepted"), 3);
  EXPECT_EQ(out.at("refused"), 1);
  const auto& jobs = out.at("jobs").as_array();
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_EQ(jobs[2].at("error").at("code"), "idempotency_conflict");  // same key, other body
  EXPECT_EQ(jobs[2].at("status_code"), 409);
  for (const std::size_t i : {0u, 1u, 3u}) {
    const std::string id(jobs[i].at("id").as_string());
    const auto job = client.get("/jobs/" + id + "?wait_ms=5000").json();
    EXPECT_EQ(job.at("status"), "completed");
    EXPECT_EQ(job.at("result"), static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(client.get("/queues").json().at("totals").at("completed").as_int64(), before + 3);

  // One bad job refuses the whole batch, naming it; nothing is taken.
  const auto queued = client.get("/queues").json().at("totals");
  const HttpReply bad = client.post_json(
      "/jobs/batch", R"({"jobs": [{"type": "echo"}, {"type": "sleep", "payload": {"ms": -1}}]})");
  EXPECT_EQ(bad.status, 422u);
  EXPECT_EQ(bad.error_code(), "invalid_payload");
  EXPECT_EQ(bad.json().at("error").at("message").as_string().subview().substr(0, 9), "jobs[1]: ");
  EXPECT_EQ(client.get("/queues").json().at("totals"), queued);

  for (const char* body : {R"({"jobs": []})", R"([{"type": "echo"}])", R"({"jobs": {}})",
                           R"({"jobs": [], "extra": 1})"}) {
    const HttpReply r = client.post_json("/jobs/batch", body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_EQ(r.error_code(), "invalid_batch") << body;
  }
  std::string many = R"({"jobs": [)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"type":"echo"})";
  many += "]}";
  EXPECT_EQ(client.post_json("/jobs/batch", many).error_code(), "invalid_batch");
}

TEST_F(HttpApiTest, ManyClientsAtOnceEachGetTheirOwnResult) {
  constexpr int clients = 8;
  constexpr int jobs_each = 25;
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient mine(server->port());
      for (int j = 0; j < jobs_each; ++j) {
        const std::string tag = std::to_string(c) + "-" + std::to_string(j);
        const std::string id = mine.submit(R"({"type": "echo", "payload": ")" + tag + "\"}");
        const auto job = mine.get("/jobs/" + id + "?wait_ms=10000").json();
        if (job.at("status") == "completed" && job.at("result") == tag.c_str()) ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), clients * jobs_each);
}

TEST(HttpQueueCap, AFullQueueAnswers429WithRetryAfter) {
  ServerProcess server({"--workers", "0", "--max-queued", "2"});
  HttpClient client(server.port());
  client.submit(R"({"type": "echo", "payload": 1})");
  client.submit(R"({"type": "echo", "payload": 2})");
  const HttpReply full = client.post_json("/jobs", R"({"type": "echo", "payload": 3})");
  EXPECT_EQ(full.status, 429u);
  EXPECT_EQ(full.error_code(), "queue_full");
  EXPECT_EQ(full.headers.at("retry-after"), "1");
  EXPECT_EQ(client.post_json("/jobs", R"({"type": "echo", "queue": "other"})").status, 202u);
  EXPECT_EQ(client.get("/queues").json().at("totals").at("queued"), 3);
}

TEST(HttpQueuePause, APausedQueueKeepsItsJobsUntilResumed) {
  ServerProcess server({"--workers", "2"});
  HttpClient client(server.port());
  const HttpReply paused = client.post_json("/queues/default/pause", "");
  ASSERT_EQ(paused.status, 200u) << paused.body;
  EXPECT_EQ(paused.json().at("paused"), true);
  EXPECT_EQ(client.get("/queues").json().at("paused").at(0), "default");
  const std::string id = client.submit(R"({"type": "echo", "payload": 1})");
  EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=300").json().at("status"), "queued");
  EXPECT_EQ(client.post_json("/queues/default/resume", "").json().at("paused"), false);
  EXPECT_EQ(client.get("/jobs/" + id + "?wait_ms=5000").json().at("status"), "completed");
  EXPECT_TRUE(client.get("/queues").json().at("paused").as_array().empty());
  EXPECT_EQ(client.post_json("/queues/bad%20name/pause", "").error_code(), "invalid_queue");
}

}  // namespace
}  // namespace coqueue::test
