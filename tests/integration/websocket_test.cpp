// GET /ws on real servers: following jobs by id and by queue, submitting over the socket, a
// completion on one server seen on another through Redis, bad messages, and a client that never
// reads, which is dropped with close code 1008 while the server goes on serving.

#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/websocket_client.hpp"
#include "tests/support/worker_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

std::string status_of(const boost::json::object& job_event) {
  return std::string(job_event.at("job").at("status").as_string());
}

// The statuses the socket reports for job `id`, in order, until one is an end.
std::vector<std::string> statuses_until_end(WebSocketClient& ws, const std::string& id) {
  std::vector<std::string> seen;
  while (auto e = ws.receive_event("job", 10s)) {
    if (e->at("job").at("id").as_string() != id) continue;
    seen.push_back(status_of(*e));
    if (seen.back() == "completed" || seen.back() == "failed" || seen.back() == "cancelled") break;
  }
  return seen;
}

TEST(WebSocket, ASubmittedJobIsFollowedToItsEnd) {
  ServerProcess server({"--workers", "2"});
  WebSocketClient ws(server.port());
  ws.send(R"({"submit": {"type": "sleep", "payload": {"ms": 300}}, "ref": "first"})");
  const auto submitted = ws.receive_event("submitted", 5s);
  ASSERT_TRUE(submitted);
  EXPECT_EQ(submitted->at("status").as_int64(), 202);
  EXPECT_EQ(submitted->at("ref").as_string(), "first");
  const std::string id(submitted->at("body").at("id").as_string());
  // Every change: the run starting, then the end.
  EXPECT_EQ(statuses_until_end(ws, id), (std::vector<std::string>{"processing", "completed"}));

  // A refused submission is answered as POST /jobs answers it, and nothing is followed.
  ws.send(R"({"submit": {"type": "no-such-type", "payload": {}}, "ref": 2})");
  const auto refused = ws.receive_event("submitted", 5s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->at("status").as_int64(), 422);
  EXPECT_EQ(refused->at("ref").as_int64(), 2);
  EXPECT_TRUE(refused->at("body").as_object().contains("error"));
}

TEST(WebSocket, FollowingAJobThatEndedAlreadyReportsItAtOnce) {
  ServerProcess server({"--workers", "1"});
  HttpClient http(server.port());
  const std::string id = http.submit(R"({"type": "echo", "payload": {"n": 1}})");
  http.get("/jobs/" + id + "?wait_ms=5000");
  WebSocketClient ws(server.port());
  ws.send(R"({"subscribe": [")" + id + R"(", "no-such-id"]})");
  const auto first = ws.receive(5s);
  const auto second = ws.receive(5s);
  ASSERT_TRUE(first && second);
  const std::string both = *first + *second;
  EXPECT_NE(both.find(R"("status":"completed")"), std::string::npos) << both;
  EXPECT_NE(both.find(R"("code":"job_not_found")"), std::string::npos) << both;
}

TEST(WebSocket, FollowingAQueueReportsEveryJobThatEndsInIt) {
  ServerProcess server({"--workers", "2", "--queues", "default,reports"});
  WebSocketClient ws(server.port());
  ws.send(R"({"subscribe_queue": "reports", "ref": 7})");
  const auto ack = ws.receive_event("subscribed", 5s);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->at("queue").as_string(), "reports");
  HttpClient http(server.port());
  http.submit(R"({"type": "echo", "payload": {}, "queue": "default"})");
  const std::string id = http.submit(R"({"type": "echo", "payload": {}, "queue": "reports"})");
  const auto ended = ws.receive_event("job", 5s);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->at("job").at("id").as_string(), id);  // not the job of the other queue
}

TEST(WebSocket, BadMessagesGetAnErrorAndTheSocketGoesOn) {
  ServerProcess server({"--workers", "1"});
  WebSocketClient ws(server.port());
  for (const char* bad : {"not json", "[1,2]", R"({"what": 1})", R"({"subscribe": "x"})",
                          R"({"subscribe_queue": "bad name!"})"}) {
    ws.send(bad);
    const auto error = ws.receive_event("error", 5s);
    ASSERT_TRUE(error) << bad;
  }
  ws.send(R"({"submit": {"type": "echo", "payload": {}}})");
  EXPECT_TRUE(ws.receive_event("submitted", 5s));
  // Without an upgrade, GET /ws says how to ask.
  HttpClient http(server.port());
  const HttpReply plain = http.get("/ws");
  EXPECT_EQ(plain.status, 426u);
  EXPECT_EQ(plain.error_code(), "upgrade_required");
}

TEST(WebSocket, OnRedisACompletionOnOneServerReachesASocketOnAnother) {
  RedisServer redis;
  ServerProcess a({"--backend", "redis", "--redis", redis.url()});
  ServerProcess b({"--backend", "redis", "--redis", redis.url()});
  WorkerProcess worker(redis.url());
  HttpClient on_b(b.port());
  WebSocketClient on_a(a.port());
  on_a.send(R"({"subscribe_queue": "default"})");
  ASSERT_TRUE(on_a.receive_event("subscribed", 5s));
  const std::string id = on_b.submit(R"({"type": "sleep", "payload": {"ms": 300}})");
  EXPECT_EQ(statuses_until_end(on_a, id), (std::vector<std::string>{"processing", "completed"}));
}

// The close frame gets out only if the client reads again in time; either way the socket is
// closed within seconds, and nothing piles up in the server.
TEST(WebSocket, AClientThatDoesNotReadIsDropped) {
  ServerProcess server({"--workers", "4", "--ws-outbox", "16"});
  WebSocketClient slow(server.port(), /*receive_buffer=*/4096);
  slow.send(R"({"subscribe_queue": "default"})");
  HttpClient http(server.port());
  // Thousands of completions while the slow client reads nothing: the kernel's buffers fill,
  // then the outbox, and the server drops the socket.
  std::string batch = R"({"jobs": [)";
  for (int i = 0; i < 1000; ++i)
    batch += std::string(i ? "," : "") + R"({"type": "echo", "payload": {"pad": ")" +
             std::string(200, 'x') + R"("}})";
  batch += "]}";
  for (int round = 0; round < 20; ++round) {
    ASSERT_EQ(http.post_json("/jobs/batch", batch).status, 202u);
  }
  // The server gives the close handshake 2 s; reading after that drains what the kernel kept,
  // then finds the socket closed.
  std::this_thread::sleep_for(3s);
  for (int i = 0; i < 100'000 && slow.receive(2s); ++i) {
  }
  EXPECT_TRUE(slow.closed());
  if (slow.close_code() != 0) {
    EXPECT_EQ(slow.close_code(), 1008);
  }
  // The server is fine, and so is a client that reads.
  EXPECT_EQ(http.get("/healthz").status, 200u);
  WebSocketClient fine(server.port());
  fine.send(R"({"submit": {"type": "echo", "payload": {}}})");
  EXPECT_TRUE(fine.receive_event("submitted", 5s));
}

}  // namespace
}  // namespace coqueue::test
