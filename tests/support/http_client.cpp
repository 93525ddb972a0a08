#include "tests/support/http_client.hpp"

#include <functional>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

namespace coqueue::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

boost::json::value HttpReply::json() const {
  return boost::json::parse(body);
}

std::string HttpReply::error_code() const {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error")) return "";
  return std::string(v.at("error").at("code").as_string());
}

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  unsigned short port;
  bool open = false;

  explicit Connection(unsigned short p) : port(p) { connect(); }
  void connect() {
    stream.close();
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    buffer.clear();
    open = true;
  }
};

HttpClient::HttpClient(unsigned short port) : connection_(std::make_unique<Connection>(port)) {}
HttpClient::~HttpClient() = default;

HttpReply HttpClient::request(const std::string& method, const std::string& target,
                              const std::string& body, const std::string& content_type) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  if (req.method() == http::verb::unknown) req.method_string(method);
  req.set(http::field::host, "127.0.0.1");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  if (!body.empty() || method == "POST") {
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();

  Connection& c = *connection_;
  http::response<http::string_body> res;
  if (!c.open) c.connect();  // the server closed the last one
  for (int attempt = 0;; ++attempt) {
    try {
      c.stream.expires_after(std::chrono::seconds(60));
      http::write(c.stream, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 << 20);
      http::read(c.stream, c.buffer, parser);
      res = parser.release();
      break;
    } catch (const boost::system::system_error&) {
      if (attempt > 0) throw;
      c.connect();  // the server closed the idle connection: one fresh try
    }
  }
  HttpReply reply;
  reply.status = res.result_int();
  reply.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    reply.headers[name] = std::string(field.value());
  }
  if (!res.keep_alive()) c.open = false;
  return reply;
}

std::string HttpClient::submit(const std::string& body) {
  const HttpReply r = post_json("/jobs", body);
  if (r.status != 202) {
    throw std::runtime_error("submit got " + std::to_string(r.status) + ": " + r.body);
  }
  return std::string(r.json().at("id").as_string());
}

struct RawConnection::State {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  bool closed = false;
};

RawConnection::RawConnection(unsigned short port) : state_(std::make_unique<State>()) {
  state_->socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

RawConnection::~RawConnection() = default;

void RawConnection::send(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(state_->socket, asio::buffer(bytes), ec);
}

std::string RawConnection::read(std::chrono::milliseconds timeout, const std::string& until) {
  std::string received;
  char chunk[4096];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!state_->closed && std::chrono::steady_clock::now() < deadline &&
         (until.empty() || received.find(until) == std::string::npos)) {
    bool done = false;
    state_->socket.async_read_some(asio::buffer(chunk),
                                   [&](boost::system::error_code ec, std::size_t n) {
                                     received.append(chunk, n);
                                     if (ec && ec != asio::error::operation_aborted)
                                       state_->closed = true;
                                     done = true;
                                   });
    state_->io.restart();
    state_->io.run_until(deadline);
    if (!done) {
      state_->socket.cancel();
      state_->io.restart();
      state_->io.run();
    }
  }
  return received;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  read(timeout);
  return state_->closed;
}

std::string raw_exchange(unsigned short port, const std::string& bytes,
                         std::chrono::milliseconds timeout, bool half_close) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  std::string received;
  char chunk[4096];
  stream.expires_after(timeout);
  asio::async_write(stream, asio::buffer(bytes), [&](boost::system::error_code ec, std::size_t) {
    if (!ec && half_close) {
      boost::system::error_code ignored;
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
  });
  std::function<void()> read_more = [&] {
    stream.expires_after(timeout);
    stream.async_read_some(asio::buffer(chunk), [&](boost::system::error_code ec, std::size_t n) {
      received.append(chunk, n);
      if (!ec) read_more();
    });
  };
  read_more();
  io.run_for(timeout + std::chrono::seconds(1));
  return received;
}

}  // namespace coqueue::test
