// Hostile input against a running server: malformed HTTP, bad jobs, path tricks, slow clients,
// thousands of idle connections, oversized WebSocket messages. Each gets a clear 4xx with a
// JSON body naming the problem (or, for a client that never began a request, a quiet close);
// after each test the server still serves normal traffic and its memory stayed bounded.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

#include "tests/support/http_client.hpp"
#include "tests/support/job_checks.hpp"
#include "tests/support/proc_entries.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/websocket_client.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;  // "...\0..."s keeps the NUL
using Clock = std::chrono::steady_clock;

constexpr std::size_t max_connections = 500;
// Growth of the server's resident memory a test may cause; one test's worth of traffic is
// tiny next to it, and a leak or an unbounded buffer per connection would pass it.
#ifdef __SANITIZE_ADDRESS__
// ASan keeps freed memory in quarantine (up to 256 MiB) and adds shadow memory: the bound that
// catches a leak is the release build's; here it only catches runaway growth.
constexpr long rss_growth_bound_kib = 256 * 1024;
#else
constexpr long rss_growth_bound_kib = 16 * 1024;
#endif

// The status of the first response line, or 0; and the error code of its JSON body.
struct RawAnswer {
  unsigned status = 0;
  std::string code;
  bool closes = false;
  std::string text;
};

RawAnswer parse_answer(const std::string& text) {
  RawAnswer a;
  a.text = text;
  if (text.rfind("HTTP/1.", 0) == 0 && text.size() >= 12) a.status = std::stoi(text.substr(9, 3));
  a.closes = text.find("Connection: close") != std::string::npos;
  const auto body = text.find("\r\n\r\n");
  if (body != std::string::npos) {
    boost::system::error_code ec;
    const auto json = boost::json::parse(text.substr(body + 4), ec);
    if (!ec && json.is_object() && json.as_object().contains("error")) {
      a.code = boost::json::value_to<std::string>(json.at("error").at("code"));
    }
  }
  return a;
}

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--backend", "memory", "--workers", "2", "--max-body", "64KiB", "--max-header", "8KiB",
        "--header-timeout", "500ms", "--body-timeout", "500ms", "--max-connections",
        std::to_string(max_connections)});
    HttpClient warm_up(server_->port());
    for (int i = 0; i < 50; ++i) expect_served(warm_up);
    rss_start_kib_ = resident_kib(server_->process().pid());
  }

  // The server is up, serves a normal job end to end, and grew by less than the bound.
  void TearDown() override {
    ASSERT_TRUE(server_->process().running()) << server_->process().output();
    HttpClient client(server_->port());
    for (int i = 0; i < 20; ++i) expect_served(client);
    const long rss = resident_kib(server_->process().pid());
    EXPECT_LT(rss - rss_start_kib_, rss_growth_bound_kib) << "from " << rss_start_kib_ << " KiB";
    RecordProperty("rss_start_kib", static_cast<int>(rss_start_kib_));
    RecordProperty("rss_end_kib", static_cast<int>(rss));
  }

  static void expect_served(HttpClient& client) {
    const std::string id = client.submit(R"({"type":"echo","payload":{"hello":"world"}})");
    const HttpReply r = client.get("/jobs/" + id + "?wait_ms=5000");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().at("status"), "completed") << r.body;
  }

  unsigned short port() const { return server_->port(); }

  std::unique_ptr<ServerProcess> server_;
  long rss_start_kib_ = 0;
};

const std::string json_post =
    "POST /jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";

struct MalformedRequest {
  const char* name;
  std::string bytes;
  unsigned status;
  const char* code;
};

TEST_F(HostileInputTest, MalformedHttpGetsAStatusLineAndTheConnectionCloses) {
  std::string many_fields;
  for (int i = 0; i < 2000; ++i) many_fields += "X-" + std::to_string(i) + ": v\r\n";
  const std::vector<MalformedRequest> requests = {
      {"garbage request line", "GARBAGE\r\n\r\n", 400, "bad_request"},
      {"unknown HTTP version", "GET /healthz HTTP/9.9\r\nHost: t\r\n\r\n", 400, "bad_request"},
      {"HTTP/0.9 request line", "GET /healthz\r\n\r\n", 400, "bad_request"},
      {"bare LF line ends", "GET /healthz HTTP/1.1\nHost: t\n\n", 400, "bad_request"},
      {"space in the target", "GET /jobs/a b HTTP/1.1\r\nHost: t\r\n\r\n", 400, "bad_request"},
      {"control byte in the target", "GET /jobs/a\x01z HTTP/1.1\r\nHost: t\r\n\r\n", 400,
       "bad_request"},
      {"header without a colon", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n", 400, "bad_request"},
      {"NUL in a header value", "GET /healthz HTTP/1.1\r\nX-A: a\0b\r\n\r\n"s, 400, "bad_request"},
      {"Content-Length not a number", json_post + "Content-Length: nope\r\n\r\n", 400,
       "bad_request"},
      {"negative Content-Length", json_post + "Content-Length: -1\r\n\r\n", 400, "bad_request"},
      {"Content-Length past 64 bits", json_post + "Content-Length: 99999999999999999999999\r\n\r\n",
       400, "bad_request"},
      {"two different Content-Lengths",
       json_post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "bad_request"},
      {"Content-Length with chunked",
       json_post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
       "bad_request"},
      {"transfer coding other than chunked", json_post + "Transfer-Encoding: gzip\r\n\r\nabc", 400,
       "bad_request"},
      {"chunk size not hex", json_post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
       400, "bad_request"},
      {"headers over the limit",
       "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(9000, 'h') + "\r\n\r\n", 431,
       "headers_too_large"},
      {"request line over the limit",
       "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n", 431, "headers_too_large"},
      {"2,000 header fields", "GET /healthz HTTP/1.1\r\nHost: t\r\n" + many_fields + "\r\n", 431,
       "headers_too_large"},
      {"declared body over the limit", json_post + "Content-Length: 10000000\r\n\r\n", 413,
       "body_too_large"},
      {"chunked body over the limit",
       json_post + "Transfer-Encoding: chunked\r\n\r\n10001\r\n" + std::string(0x10001, 'z') +
           "\r\n0\r\n\r\n",
       413, "body_too_large"},
      {"WebSocket handshake without a key",
       "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Version: 13\r\n\r\n",
       400, "bad_request"},
      {"WebSocket handshake of another version",
       "GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
       426, "upgrade_required"},
  };
  for (const auto& request : requests) {
    const RawAnswer a = parse_answer(raw_exchange(port(), request.bytes, 5s));
    EXPECT_EQ(a.status, request.status) << request.name << ":\n" << a.text;
    EXPECT_EQ(a.code, request.code) << request.name << ":\n" << a.text;
    if (a.status != 426) {
      EXPECT_TRUE(a.closes) << request.name << ":\n" << a.text;
    }
  }
  RecordProperty("malformed_requests", static_cast<int>(requests.size()));
}

struct BadRequest {
  const char* name;
  std::string method;
  std::string target;
  std::string body;
  unsigned status;
  const char* code;
  std::string content_type = "application/json";
};

TEST_F(HostileInputTest, BadJobsAndQueriesGetA4xxNamingTheProblemAndChangeNothing) {
  std::string deep = R"({"type":"echo","payload":)";
  for (int i = 0; i < 10'000; ++i) deep += '[';
  for (int i = 0; i < 10'000; ++i) deep += ']';
  deep += '}';
  std::string too_many = R"({"jobs":[)";
  for (int i = 0; i < 1001; ++i) too_many += std::string(i ? "," : "") + R"({"type":"echo"})";
  too_many += "]}";
  const std::string huge_field(60'000, 'k');
  const std::vector<BadRequest> requests = {
      {"not JSON", "POST", "/jobs", "{type: echo}", 400, "malformed_json"},
      {"empty body", "POST", "/jobs", "", 400, "malformed_json"},
      {"nested 10,000 deep", "POST", "/jobs", deep, 400, "malformed_json"},
      {"number past a double", "POST", "/jobs", R"({"type":"echo","payload":{"n":1e400}})", 400,
       "malformed_json"},
      {"negative number past a double", "POST", "/jobs", R"({"type":"echo","payload":[-1e999]})",
       400, "malformed_json"},
      {"invalid UTF-8", "POST", "/jobs", "{\"type\":\"echo\",\"payload\":\"\xff\xfe\"}", 400,
       "malformed_json"},
      {"lone surrogate escape", "POST", "/jobs", R"({"type":"echo","payload":"\ud800"})", 400,
       "malformed_json"},
      {"raw control byte in a string", "POST", "/jobs", "{\"type\":\"echo\",\"payload\":\"a\x01\"}",
       400, "malformed_json"},
      {"trailing garbage", "POST", "/jobs", R"({"type":"echo"} {"type":"echo"})", 400,
       "malformed_json"},
      {"an array, not an object", "POST", "/jobs", R"([{"type":"echo"}])", 400, "not_an_object"},
      {"a string, not an object", "POST", "/jobs", R"("echo")", 400, "not_an_object"},
      {"no type", "POST", "/jobs", R"({"payload":1})", 400, "missing_field"},
      {"type of the wrong type", "POST", "/jobs", R"({"type":5})", 400, "wrong_type"},
      {"control character in the type", "POST", "/jobs", R"({"type":"ec\u0001ho"})", 400,
       "invalid_value"},
      {"max_attempts as a string", "POST", "/jobs", R"({"type":"echo","max_attempts":"3"})", 400,
       "wrong_type"},
      {"max_attempts past 64 bits", "POST", "/jobs",
       R"({"type":"echo","max_attempts":99999999999999999999999})", 400, "invalid_value"},
      {"negative delay", "POST", "/jobs", R"({"type":"echo","delay_ms":-1})", 400, "invalid_value"},
      {"fractional timeout", "POST", "/jobs", R"({"type":"echo","timeout_ms":1.5})", 400,
       "wrong_type"},
      {"unknown field", "POST", "/jobs", R"({"type":"echo","priority":9})", 400, "unknown_field"},
      {"unknown field 60 KB long", "POST", "/jobs", R"({"type":"echo",")" + huge_field + R"(":1})",
       400, "unknown_field"},
      {"queue with a path", "POST", "/jobs", R"({"type":"echo","queue":"../x"})", 400,
       "invalid_queue"},
      {"queue with a hash tag", "POST", "/jobs", R"({"type":"echo","queue":"a}{b"})", 400,
       "invalid_queue"},
      {"queue with a key separator", "POST", "/jobs", R"({"type":"echo","queue":"a:b"})", 400,
       "invalid_queue"},
      {"unknown type", "POST", "/jobs", R"({"type":"rm-rf"})", 422, "unknown_job_type"},
      {"sleep without ms", "POST", "/jobs", R"({"type":"sleep","payload":{}})", 422,
       "invalid_payload"},
      {"wrong media type", "POST", "/jobs", R"({"type":"echo"})", 415, "unsupported_media_type",
       "text/plain"},
      {"1,001 jobs in a batch", "POST", "/jobs/batch", too_many, 400, "invalid_batch"},
      {"batch of the wrong type", "POST", "/jobs/batch", R"({"jobs":{"type":"echo"}})", 400,
       "invalid_batch"},
      {"one bad job in a batch", "POST", "/jobs/batch",
       R"({"jobs":[{"type":"echo"},{"type":"echo","bogus":1}]})", 400, "unknown_field"},
      {"limit not a number", "GET", "/jobs?limit=ten", "", 400, "invalid_query"},
      {"limit past 64 bits", "GET", "/jobs?limit=99999999999999999999", "", 400, "invalid_query"},
      {"wait_ms negative", "GET", "/jobs/0190a0a0-0000-7000-8000-000000000000?wait_ms=-5", "", 400,
       "invalid_query"},
      {"id with a path", "GET", "/jobs/..%2F..%2Fetc%2Fpasswd", "", 404, "job_not_found"},
      {"id with a NUL", "GET", "/jobs/%00abc", "", 404, "job_not_found"},
      {"id naming a Redis key", "GET", "/jobs/cq:%7Bdefault%7D:index", "", 404, "job_not_found"},
      {"id 4,000 bytes long", "GET", "/jobs/" + std::string(4000, 'a'), "", 404, "job_not_found"},
      {"cancel of a path", "DELETE", "/jobs/../../queues", "", 404, "not_found"},
      {"cancel of a made-up id", "DELETE", "/jobs/%2E%2E", "", 404, "job_not_found"},
      {"queue path with dots", "GET", "/queues/..%2Fdefault/dead", "", 400, "invalid_queue"},
      {"queue path with a hash tag", "POST", "/queues/a%7D%7Bb/pause", "", 400, "invalid_queue"},
      {"absolute URL as the target", "GET", "http://elsewhere/healthz", "", 400, "invalid_target"},
      {"no such route", "GET", "/etc/passwd", "", 404, "not_found"},
      {"method the route does not take", "PATCH", "/jobs", "", 405, "method_not_allowed"},
  };
  HttpClient client(port());
  const auto totals_before = client.get("/queues").json().at("totals");
  for (const auto& r : requests) {
    const HttpReply reply = client.request(r.method, r.target, r.body, r.content_type);
    EXPECT_EQ(reply.status, r.status) << r.name << ": " << reply.body;
    EXPECT_EQ(reply.error_code(), r.code) << r.name << ": " << reply.body;
    // The message names the problem, and quotes the input only in part.
    const auto message = boost::json::value_to<std::string>(reply.json().at("error").at("message"));
    EXPECT_FALSE(message.empty()) << r.name;
    EXPECT_LT(message.size(), 400u) << r.name << ": " << message;
  }
  // Nothing of it was queued.
  EXPECT_EQ(client.get("/queues").json().at("totals"), totals_before);
  RecordProperty("bad_requests", static_cast<int>(requests.size()));
}

TEST_F(HostileInputTest, HeadersSentByteByByteGet408AtTheHeaderTimeout) {
  RawConnection c(port());
  const auto start = Clock::now();
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ";
  std::string reply;
  for (std::size_t i = 0; i < 1000 && reply.empty(); ++i) {  // slowloris: a byte per 50 ms
    c.send(std::string(1, request[i % request.size()]));
    reply = c.read(50ms);
  }
  const auto took = Clock::now() - start;
  const RawAnswer a = parse_answer(reply + c.read(2s, "}}"));
  EXPECT_EQ(a.status, 408u) << a.text;
  EXPECT_EQ(a.code, "request_timeout");
  EXPECT_TRUE(a.closes);
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 3s);
  EXPECT_TRUE(c.closed_by_peer(10s));
}

TEST_F(HostileInputTest, BodiesThatNeverEndGet408AtTheBodyTimeout) {
  for (const std::string& start : {json_post + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n",
                                   json_post + "Content-Length: 100\r\n\r\n{\"type\":"}) {
    RawConnection c(port());
    const auto began = Clock::now();
    c.send(start);
    const RawAnswer a = parse_answer(c.read(5s, "}}"));
    EXPECT_EQ(a.status, 408u) << a.text;
    EXPECT_EQ(a.code, "request_timeout");
    EXPECT_GE(Clock::now() - began, 400ms);
    EXPECT_TRUE(c.closed_by_peer(10s));
  }
}

TEST_F(HostileInputTest, AConnectionThatNeverSendsClosesQuietly) {
  RawConnection c(port());
  const auto start = Clock::now();
  EXPECT_EQ(c.read(3s), "");  // no request, no answer
  EXPECT_TRUE(c.closed_by_peer(1s));
  EXPECT_LT(Clock::now() - start, 3s);
}

// Plain sockets, many more than the connection cap, each connected and silent or parked after
// one request: the server keeps at most its cap open, closing the oldest idle ones, and a new
// client is still served at once.
TEST_F(HostileInputTest, ThousandsOfIdleConnectionsStayUnderTheCap) {
  constexpr int connections = 3000;
  std::vector<int> sockets;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string keep_alive_request = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
  for (int i = 0; i < connections; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << "connection " << i;
    if (i % 2 == 0) {
      ASSERT_EQ(::send(fd, keep_alive_request.data(), keep_alive_request.size(), 0),
                static_cast<ssize_t>(keep_alive_request.size()));
    }
    sockets.push_back(fd);
  }
  const auto served_at = Clock::now();
  HttpClient fresh(port());
  EXPECT_EQ(fresh.get("/healthz").status, 200u);
  EXPECT_LT(Clock::now() - served_at, 2s);
  const pid_t pid = server_->process().pid();
  // Its descriptors: the open connections, plus a few of its own (listener, epoll, logs).
  EXPECT_TRUE(wait_until([&] { return proc_entries(pid, "fd") <= max_connections + 32; }, 5s))
      << proc_entries(pid, "fd") << " descriptors open";
  RecordProperty("descriptors_with_3000_clients", static_cast<int>(proc_entries(pid, "fd")));
  RecordProperty("rss_with_3000_clients_kib", static_cast<int>(resident_kib(pid)));
  for (int fd : sockets) ::close(fd);
}

TEST_F(HostileInputTest, AWebSocketMessageOverTheLimitClosesTheSocket) {
  WebSocketClient ws(port());
  try {
    ws.send(R"({"subscribe_queue": ")" + std::string(2 << 20, 'q') + R"("})");
  } catch (const std::exception&) {
    return;  // the server closed while the message was still being written: refused early
  }
  while (ws.receive(5s)) {
  }
  EXPECT_TRUE(ws.closed());
  // 1009 "message too big", unless the close frame was lost to the reset of a connection that
  // still held the unread rest of the message.
  EXPECT_TRUE(ws.close_code() == 1009 || ws.close_code() == 0) << ws.close_code();
}

TEST_F(HostileInputTest, AWebSocketTextThatIsNotUtf8ClosesTheSocket) {
  WebSocketClient ws(port());
  ws.send("{\"x\":\"\xff\"}");
  while (ws.receive(5s)) {
  }
  EXPECT_TRUE(ws.closed());
  EXPECT_EQ(ws.close_code(), 1007);  // "invalid frame payload data", as RFC 6455 asks
}

TEST_F(HostileInputTest, BadWebSocketMessagesGetAnErrorAndTheSocketGoesOn) {
  WebSocketClient ws(port());
  for (const std::string& message :
       {std::string("not json"), std::string("[1,2]"), std::string(R"({"subscribe": 5})"),
        std::string(R"({"subscribe": ["../../x"]})"), std::string(R"({"submit": {"type": 5}})"),
        std::string(R"({"subscribe_queue": "a}{b"})")}) {
    ws.send(message);
    const auto reply = ws.receive(5s);
    ASSERT_TRUE(reply) << message;
    EXPECT_NE(reply->find("error"), std::string::npos) << message << " -> " << *reply;
  }
  ws.send(R"({"submit": {"type": "echo", "payload": 1}})");
  EXPECT_TRUE(ws.receive_event("submitted", 5s));
}

}  // namespace
}  // namespace coqueue::test

namespace coqueue::test {
namespace {

// A payload is data: at the default log level no line of the server or of the workers running
// its jobs holds any of it, whether the job completes, is cancelled, or is refused.
TEST(JobPayloads, AreNeverLoggedAtInfoLevel) {
  ServerProcess server({"--backend", "memory", "--workers", "2", "--log-level", "info"});
  HttpClient client(server.port());
  const std::string marker = "PAYLOAD-MARKER-7f3a";
  const std::string completed =
      client.submit(R"({"type":"echo","payload":{"secret":")" + marker + R"("}})");
  const std::string cancelled =
      client.submit(R"({"type":"echo","delay_ms":60000,"payload":[")" + marker + R"("]})");
  EXPECT_EQ(client.request("DELETE", "/jobs/" + cancelled).status, 200u);
  EXPECT_EQ(
      client.post_json("/jobs", R"({"type":"sleep","payload":{"ms":")" + marker + R"("}})").status,
      422u);
  EXPECT_EQ(client.get("/jobs/" + completed + "?wait_ms=5000").json().at("status"), "completed");
  server.process().signal(SIGTERM);
  ASSERT_EQ(server.process().wait_exit(10s), 0);
  const std::string log = server.process().output();
  EXPECT_NE(log.find("server.stopped"), std::string::npos) << log;  // the log is complete
  EXPECT_EQ(log.find(marker), std::string::npos) << log;
}

}  // namespace
}  // namespace coqueue::test
