// Limits and deadlines of the HTTP layer, tested byte by byte against a real server.

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string submit_head =
    "POST /jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";

class HttpLimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new ServerProcess({"--max-body", "1KiB", "--max-header", "2KiB", "--header-timeout",
                                "300ms", "--idle-timeout", "400ms"});
  }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static ServerProcess* server;
};

ServerProcess* HttpLimitsTest::server = nullptr;

TEST_F(HttpLimitsTest, OversizedBodyGets413BeforeItIsRead) {
  RawConnection c(server->port());
  c.send(submit_head + "Content-Length: 10000000\r\n\r\n" + std::string(8192, 'x'));
  const std::string reply = c.read(3s, "}}");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_NE(reply.find("body_too_large"), std::string::npos);
  EXPECT_NE(reply.find("limit of 1024 bytes"), std::string::npos);
  EXPECT_NE(reply.find("Connection: close"), std::string::npos);
  // The client may go on sending for a while: the server drains rather than resets.
  for (int i = 0; i < 16; ++i) c.send(std::string(16384, 'y'));
  EXPECT_TRUE(c.closed_by_peer(10s));
}

TEST_F(HttpLimitsTest, OversizedChunkedBodyGets413) {
  RawConnection c(server->port());
  const std::string chunk = "800\r\n" + std::string(0x800, 'z') + "\r\n";
  c.send(submit_head + "Transfer-Encoding: chunked\r\n\r\n" + chunk);
  const std::string reply = c.read(3s, "}}");
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
}

TEST_F(HttpLimitsTest, OversizedHeadersGet431) {
  RawConnection c(server->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n");
  const std::string reply = c.read(3s, "}}");
  EXPECT_EQ(reply.rfind("HTTP/1.1 431", 0), 0u) << reply;
  EXPECT_NE(reply.find("headers_too_large"), std::string::npos);
}

TEST_F(HttpLimitsTest, MalformedRequestsGet400) {
  for (const std::string& bad :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /healthz HTTP/9.9\r\n\r\n"),
        std::string("GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"),
        submit_head + "Content-Length: nope\r\n\r\n"}) {
    RawConnection c(server->port());
    c.send(bad);
    const std::string reply = c.read(3s, "}}");
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << bad << " -> " << reply;
    EXPECT_NE(reply.find("\"error\""), std::string::npos) << reply;
  }
}

TEST_F(HttpLimitsTest, IncompleteHeadersGet408AtTheHeaderTimeout) {
  RawConnection c(server->port());
  const auto start = Clock::now();
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n");  // never finished
  EXPECT_EQ(c.read(5s, "}}").rfind("HTTP/1.1 408", 0), 0u);
  EXPECT_TRUE(c.closed_by_peer(5s));
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST_F(HttpLimitsTest, IdleKeepAliveConnectionsClose) {
  RawConnection c(server->port());
  c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_NE(c.read(3s, "}").find("200 OK"), std::string::npos);
  const auto start = Clock::now();
  EXPECT_TRUE(c.closed_by_peer(5s));
  EXPECT_GE(Clock::now() - start, 300ms);
}

TEST_F(HttpLimitsTest, HeadSendsTheHeadersOnlyAndKeepsTheConnectionInStep) {
  RawConnection c(server->port());
  c.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::string replies = c.read(3s, "}");
  const auto second = replies.find("HTTP/1.1 200", 1);
  ASSERT_NE(second, std::string::npos) << replies;
  const std::string head_reply = replies.substr(0, second);
  EXPECT_NE(head_reply.find("Content-Length: 15"), std::string::npos) << head_reply;
  EXPECT_EQ(head_reply.substr(head_reply.size() - 4), "\r\n\r\n");  // no body after the headers
  EXPECT_NE(replies.find(R"({"status":"ok"})", second), std::string::npos);
}

// The server writes its responses itself (no Beast serializer): the status line and fields
// follow the request's version and its wish to keep the connection.
TEST_F(HttpLimitsTest, ResponsesFollowTheRequestsVersionAndConnectionWish) {
  {
    RawConnection c(server->port());
    c.send("GET /healthz HTTP/1.0\r\n\r\n");  // 1.0 closes unless asked to keep
    const std::string reply = c.read(3s, "}");
    EXPECT_EQ(reply.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << reply;
    EXPECT_NE(reply.find("\r\nContent-Type: application/json\r\n"), std::string::npos);
    EXPECT_NE(reply.find("\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}"), std::string::npos);
    EXPECT_EQ(reply.find("keep-alive"), std::string::npos) << reply;
    EXPECT_TRUE(c.closed_by_peer(3s));
  }
  {
    RawConnection c(server->port());
    c.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    std::string reply = c.read(3s, "}");
    EXPECT_NE(reply.find("\r\nConnection: keep-alive\r\n"), std::string::npos) << reply;
    c.send("GET /nowhere HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    reply = c.read(3s, "}}");
    EXPECT_EQ(reply.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << reply;
    EXPECT_NE(reply.find("\r\nConnection: close\r\n"), std::string::npos) << reply;
    EXPECT_TRUE(c.closed_by_peer(3s));
  }
}

TEST_F(HttpLimitsTest, ExpectContinueIsAnswered) {
  RawConnection c(server->port());
  const std::string body = R"({"type": "echo"})";
  c.send(submit_head + "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n");
  EXPECT_NE(c.read(3s, "\r\n\r\n").find("100 Continue"), std::string::npos);
  c.send(body);
  EXPECT_NE(c.read(3s, "}").find("HTTP/1.1 202"), std::string::npos);
}

TEST(HttpConnectionCap, TheOldestIdleConnectionMakesRoom) {
  ServerProcess server({"--max-connections", "3"});
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawConnection>(server.port()));
    idle.back()->send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_NE(idle.back()->read(3s, "}").find("200 OK"), std::string::npos);
  }
  HttpClient newcomer(server.port());
  EXPECT_EQ(newcomer.get("/healthz").status, 200u);
  EXPECT_TRUE(idle[0]->closed_by_peer(2s));      // the oldest went
  EXPECT_FALSE(idle[2]->closed_by_peer(200ms));  // the newest stayed
}

}  // namespace
}  // namespace coqueue::test
