// What operators rely on, with real processes: bearer tokens on a running server (HTTP and the
// WebSocket), and the alert webhook against a local receiver that fails, stalls and recovers.

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include "core/support/awaitable.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/websocket_client.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string client_token = "operator-client-token-0123456789";
const std::string admin_token = "operator-admin-token-0123456789";

std::string token_file(const std::string& name, const std::string& token) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << "# tokens for the test\n" << token << "\n";
  return path;
}

TEST(ServerTokens, EveryRouteButHealthNeedsATokenAndAdminRoutesTheAdminOne) {
  ServerProcess server({"--token-file", token_file("client-tokens", client_token),
                        "--admin-token-file", token_file("admin-tokens", admin_token)});
  HttpClient http(server.port());
  EXPECT_EQ(http.get("/healthz").status, 200u);
  EXPECT_EQ(http.get("/").status, 200u);
  const HttpReply refused = http.post_json("/jobs", R"({"type": "echo"})");
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.error_code(), "unauthorized");
  EXPECT_EQ(refused.headers.at("www-authenticate"), "Bearer realm=\"coqueue\"");
  EXPECT_EQ(http.get("/metrics").status, 401u);

  http.set_token(client_token);
  const std::string id = http.submit(R"({"type": "echo"})");
  EXPECT_EQ(http.get("/jobs/" + id).status, 200u);
  EXPECT_EQ(http.get("/metrics").status, 200u);
  const HttpReply forbidden = http.request("POST", "/queues/default/pause");
  EXPECT_EQ(forbidden.status, 403u);
  EXPECT_EQ(forbidden.error_code(), "forbidden");
  http.set_token(admin_token);
  EXPECT_EQ(http.request("POST", "/queues/default/pause").status, 200u);
  http.set_token("operator-wrong-token-0123456789");
  EXPECT_EQ(http.get("/queues").status, 401u);

  // A browser on another site may not change anything, nor open the WebSocket.
  const std::string cross = raw_exchange(
      server.port(),
      "POST /queues/default/resume HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
      "Authorization: Bearer " +
          admin_token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      5s);
  EXPECT_NE(cross.find("403"), std::string::npos) << cross;
  EXPECT_NE(cross.find("cross_origin"), std::string::npos) << cross;

  // The WebSocket: refused without a token, taken with one offered as a subprotocol.
  EXPECT_THROW(WebSocketClient(server.port()), std::exception);
  WebSocketClient ws(server.port(), 0, "coqueue, bearer." + client_token);
  ws.send(R"({"subscribe": [")" + id + R"("]})");
  const auto record = ws.receive_event("job", 5s);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->at("job").at("id").as_string(), id);
}

TEST(ServerTokens, ATokenIsNeverTakenFromTheCommandLine) {
  ChildProcess server(COQUEUE_SERVER_BIN,
                      {"--listen", "127.0.0.1:0", "--backend", "memory", "--token", client_token});
  EXPECT_EQ(server.wait_exit(10s), 2);
}

// A minimal HTTP receiver on loopback: answers each POST with the next status of `script`
// (then 204), or never answers while `stall` is set; keeps every body it received.
class AlertReceiver {
 public:
  explicit AlertReceiver(std::vector<unsigned> script = {}) : script_(std::move(script)) {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    thread_ = std::thread([this] { serve(); });
  }
  ~AlertReceiver() {
    stopping_ = true;
    // A blocking accept() does not wake when another thread closes the socket: a connection
    // does.
    boost::system::error_code ignored;
    asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ignored);
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/hooks/cq";
  }
  std::vector<boost::json::object> received() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::size_t attempts() const { return attempts_; }
  void set_stall(bool stall) { stall_ = stall; }

  // The alerts received with this name and status.
  std::vector<boost::json::object> alerts(const std::string& name, const std::string& status) {
    std::vector<boost::json::object> out;
    for (const auto& a : received()) {
      if (a.at("alert").as_string() == name && a.at("status").as_string() == status) {
        out.push_back(a);
      }
    }
    return out;
  }

 private:
  void serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      asio::streambuf buffer;
      const std::size_t head = asio::read_until(socket, buffer, "\r\n\r\n", ec);
      if (ec) continue;
      std::string headers(asio::buffers_begin(buffer.data()),
                          asio::buffers_begin(buffer.data()) + static_cast<long>(head));
      buffer.consume(head);
      const auto at = headers.find("Content-Length: ");
      const std::size_t length = at == std::string::npos ? 0 : std::stoul(headers.substr(at + 16));
      if (buffer.size() < length)
        asio::read(socket, buffer, asio::transfer_exactly(length - buffer.size()), ec);
      std::string body(asio::buffers_begin(buffer.data()),
                       asio::buffers_begin(buffer.data()) + static_cast<long>(length));
      ++attempts_;
      if (stall_) {
        // Holds the connection without an answer until the sender gives up.
        std::array<char, 64> sink;
        socket.read_some(asio::buffer(sink), ec);
        continue;
      }
      unsigned status = 204;
      if (next_ < script_.size()) status = script_[next_++];
      if (status / 100 == 2) {
        std::lock_guard lock(mutex_);
        bodies_.push_back(boost::json::parse(body).as_object());
      }
      const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                                 " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      asio::write(socket, asio::buffer(answer), ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  std::vector<unsigned> script_;
  std::size_t next_ = 0;
  std::atomic<std::size_t> attempts_{0};
  std::atomic<bool> stall_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<boost::json::object> bodies_;
  std::thread thread_;
};

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

TEST(AlertWebhook, DeadLettersAndAQueueWithoutWorkersAreAlertedRetriedAndResolved) {
  // The receiver fails its first answer: the alert comes again, after a backoff.
  AlertReceiver receiver({500});
  ServerProcess server({"--workers", "1", "--queues", "mail", "--alert-webhook", receiver.url(),
                        "--alert-interval", "100ms", "--alert-repeat", "1h"});
  HttpClient http(server.port());
  http.submit(R"({"type": "fail", "queue": "mail", "max_attempts": 1})");
  http.submit(R"({"type": "echo", "queue": "orphans"})");  // no worker serves it

  ASSERT_TRUE(
      wait_until([&] { return receiver.alerts("dead_letters", "firing").size() == 1; }, 10s))
      << receiver.attempts();
  ASSERT_TRUE(wait_until([&] { return receiver.alerts("no_workers", "firing").size() == 1; }, 10s));
  const auto dead = receiver.alerts("dead_letters", "firing").front();
  EXPECT_EQ(dead.at("queue").as_string(), "mail");
  EXPECT_EQ(dead.at("value").as_int64(), 1);
  EXPECT_EQ(dead.at("source").as_string(), "coqueue");
  EXPECT_EQ(receiver.alerts("no_workers", "firing").front().at("queue").as_string(), "orphans");
  EXPECT_GE(receiver.attempts(), 3u);  // one refused, then both delivered

  // Still true a second later, but said once: the repeat is an hour.
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(receiver.alerts("dead_letters", "firing").size(), 1u);
  EXPECT_EQ(receiver.alerts("no_workers", "firing").size(), 1u);

  // Purged, and the orphan cancelled: both are over, and said so once.
  http.set_token("");
  EXPECT_EQ(http.request("DELETE", "/queues/mail/dead").status, 200u);
  const auto orphans = http.get("/jobs?queue=orphans").json().at("jobs").as_array();
  ASSERT_EQ(orphans.size(), 1u);
  http.request("DELETE", "/jobs/" + std::string(orphans[0].at("id").as_string()));
  ASSERT_TRUE(
      wait_until([&] { return receiver.alerts("dead_letters", "resolved").size() == 1; }, 10s));
  ASSERT_TRUE(
      wait_until([&] { return receiver.alerts("no_workers", "resolved").size() == 1; }, 10s));
}

TEST(AlertWebhook, AnUnreachableRedisIsAlertedAndAStalledReceiverHoldsUpNoRequest) {
  RedisServer redis;
  AlertReceiver receiver;
  ServerProcess server({"--backend", "redis", "--redis", redis.url(), "--alert-webhook",
                        receiver.url(), "--alert-interval", "100ms", "--alert-repeat", "200ms"});
  HttpClient http(server.port());
  http.submit(R"({"type": "echo"})");  // no worker process: no_workers fires
  ASSERT_TRUE(wait_until([&] { return !receiver.alerts("no_workers", "firing").empty(); }, 10s));

  // The receiver stops answering: requests are served as fast as ever meanwhile.
  receiver.set_stall(true);
  std::this_thread::sleep_for(500ms);
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(http.get("/queues").status, 200u);
  EXPECT_LT(Clock::now() - start, 2s);
  receiver.set_stall(false);

  redis.stop();
  ASSERT_TRUE(
      wait_until([&] { return !receiver.alerts("backend_unreachable", "firing").empty(); }, 30s));
  redis.restart();
  ASSERT_TRUE(
      wait_until([&] { return !receiver.alerts("backend_unreachable", "resolved").empty(); }, 30s));
}

}  // namespace
}  // namespace coqueue::test
