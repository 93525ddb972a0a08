#include "tests/support/redis_server.hpp"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

namespace coqueue::test {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

unsigned short free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

std::string find_redis_server() {
  for (const char* candidate : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  throw std::runtime_error("redis-server not found: run scripts/setup.sh");
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  char dir_template[] = "/tmp/coqueue-redis-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = dir_template;
  // A port picked free can be taken by someone else before redis binds it: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    if (launch()) return;
  }
  throw std::runtime_error("redis-server did not start:\n" + process_->output());
}

bool RedisServer::launch() {
  std::vector<std::string> args{"--port",
                                std::to_string(port_),
                                "--bind",
                                "127.0.0.1",
                                "--dir",
                                dir_,
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--daemonize",
                                "no",
                                "--loglevel",
                                "warning",
                                "--unixsocket",
                                unix_socket(),
                                "--enable-debug-command",
                                "yes"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(find_redis_server(), std::move(args));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until && process_->running()) {
    try {
      const std::string pong = command("PING");
      // With --requirepass, PING answers NOAUTH: the server is up all the same.
      if (pong.rfind("+PONG", 0) == 0 || pong.rfind("-NOAUTH", 0) == 0) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(10ms);
  }
  stop();
  return false;
}

redis::Config RedisServer::client_config() const {
  redis::Config c = std::get<redis::Config>(redis::parse_url(url()));
  c.reconnect_min = 10ms;
  c.reconnect_max = 100ms;
  return c;
}

void RedisServer::restart() {
  stop();
  for (int attempt = 0; attempt < 50; ++attempt) {  // the port may linger a moment
    if (launch()) return;
    std::this_thread::sleep_for(100ms);
  }
  throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_));
}

RedisServer::~RedisServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::command(const std::string& inline_command) const {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port_});
  asio::write(socket, asio::buffer(inline_command + "\r\n"));
  asio::streambuf reply;
  asio::read_until(socket, reply, "\r\n");
  return {asio::buffers_begin(reply.data()), asio::buffers_end(reply.data())};
}

void RedisServer::crash() {
  if (!process_ || !process_->running()) return;
  process_->signal(SIGKILL);
  process_->wait_exit(5s);
}

void RedisServer::stop() {
  if (!process_ || !process_->running()) return;
  process_->signal(SIGTERM);
  if (!process_->wait_exit(5s)) {
    process_->signal(SIGKILL);
    process_->wait_exit(5s);
  }
}

}  // namespace coqueue::test
