#include "server/http_session.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "core/support/log.hpp"
#include "server/beast_request.hpp"
#include "server/response.hpp"
#include "server/websocket_session.hpp"

namespace coqueue::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// A deadline for reading a request. tcp_stream's own deadline closes the socket when it passes;
// this one only cancels the read, so a client that began a request and then stalled can still
// be told 408 before the connection closes.
class ReadDeadline {
 public:
  ReadDeadline(asio::ip::tcp::socket& socket, std::chrono::milliseconds after)
      : state_(std::make_shared<State>()), timer_(socket.get_executor(), after) {
    // The state outlives this object: the handler may be queued when the object goes.
    timer_.async_wait([state = state_, &socket](const error_code& ec) {
      if (ec || !state->armed) return;
      state->passed = true;
      error_code ignored;
      socket.cancel(ignored);
    });
  }
  ~ReadDeadline() { state_->armed = false; }
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

  bool passed() const { return state_->passed; }

 private:
  struct State {
    bool armed = true;
    bool passed = false;
  };
  std::shared_ptr<State> state_;
  asio::steady_timer timer_;
};

// What part of a request was being read, and whether its deadline passed.
struct ReadPhase {
  std::string_view part;  // "headers" or "body"
  std::chrono::milliseconds limit;
  bool timed_out = false;
  bool begun = false;  // some byte of the request had arrived
};

// The answer to a request that could not be read whole; nothing when the peer left, or when it
// let the deadline pass before sending any byte of a request (an idle connection, not a request).
std::optional<Response> answer_for_read_error(const error_code& ec, const HttpSettings& settings,
                                              const ReadPhase& phase) {
  if (phase.timed_out) {
    if (!phase.begun) return std::nullopt;
    return error_response(408, "request_timeout",
                          "the request " + std::string(phase.part) + " did not arrive within " +
                              std::to_string(phase.limit.count()) + " ms");
  }
  if (ec == http::error::header_limit) {
    return error_response(431, "headers_too_large", "the request headers are too large");
  }
  if (ec == http::error::body_limit) {
    return error_response(
        413, "body_too_large",
        "the request body is over the limit of " + std::to_string(settings.body_limit) + " bytes");
  }
  if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
      ec == http::error::partial_message || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe) {
    return std::nullopt;
  }
  return error_response(400, "bad_request", "malformed HTTP request: " + ec.message());
}

// The status line and header fields of a response, in one string; the body is written beside
// it, uncopied. Beast's serializer walks its buffers through several layers of iterators for
// each write, which was ~5% of the server's CPU when every job costs one response.
std::string response_head(const Response& r, unsigned version, bool keep_alive) {
  const std::string_view reason = http::obsolete_reason(static_cast<http::status>(r.status));
  std::string head;
  head.reserve(128 + r.content_type.size());
  head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head += std::to_string(r.status);
  head += ' ';
  head += reason;
  head += "\r\nServer: coqueue\r\nContent-Type: ";
  head += r.content_type;
  head += "\r\n";
  for (const auto& [name, value] : r.headers) {
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told.
  if (!keep_alive && version != 10) head += "Connection: close\r\n";
  if (keep_alive && version == 10) head += "Connection: keep-alive\r\n";
  head += "Content-Length: ";
  head += std::to_string(r.body.size());  // a HEAD answer says what a GET would send
  head += "\r\n\r\n";
  return head;
}

awaitable<bool> write_response(beast::tcp_stream& stream, const Response& r, unsigned version,
                               bool keep_alive, std::chrono::milliseconds timeout,
                               bool head = false) {
  const std::string status_and_fields = response_head(r, version, keep_alive);
  const std::array<asio::const_buffer, 2> message{
      asio::buffer(status_and_fields), head ? asio::const_buffer() : asio::buffer(r.body)};
  stream.expires_after(timeout);
  auto [ec, n] = co_await asio::async_write(stream, message, tuple_awaitable);
  co_return !ec;
}

// Closes after a refused request without resetting the peer: stop sending, then read and drop
// what the client still sends for a bounded time, so it gets to read our answer.
awaitable<void> linger_close(beast::tcp_stream& stream, std::chrono::milliseconds linger) {
  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink;
  const auto until = std::chrono::steady_clock::now() + linger;
  while (std::chrono::steady_clock::now() < until) {
    stream.expires_at(until);
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), tuple_awaitable);
    if (ec) break;
  }
  stream.socket().close(ignored);
}

// The WebSocket handshake's own fields, checked before Beast sees them so that a bad handshake
// gets the same JSON error as every other refusal (Beast would answer in plain text).
std::optional<Response> websocket_handshake_refusal(const http::request<http::string_body>& m) {
  if (m[http::field::sec_websocket_version] != "13") {
    Response r = error_response(426, "upgrade_required",
                                "the WebSocket handshake needs Sec-WebSocket-Version: 13");
    r.headers.emplace_back("Sec-WebSocket-Version", "13");
    return r;
  }
  // The key is 16 random bytes in base64: 24 characters ending in "==".
  const beast::string_view key = m[http::field::sec_websocket_key];
  if (key.size() != 24 || !key.ends_with("==")) {
    return error_response(
        400, "bad_request",
        "the WebSocket handshake needs a Sec-WebSocket-Key of 16 bytes in base64");
  }
  return std::nullopt;
}

}  // namespace

awaitable<void> run_http_session(asio::ip::tcp::socket socket, SessionContext& ctx) {
  const HttpSettings& settings = ctx.settings;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  ConnectionTracker::Handle tracked(ctx.tracker, [&stream] {
    error_code ignored;
    stream.socket().close(ignored);
  });

  for (bool first = true;; first = false) {
    if (ctx.stopping) break;
    tracked.set_idle(true);
    if (!first && buffer.size() == 0) {
      // Keep-alive: wait for the next request's first byte; the header deadline starts then.
      stream.expires_after(settings.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), tuple_awaitable);
      if (ec) break;
      buffer.commit(n);
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(settings.header_limit);
    parser.body_limit(settings.body_limit);
    stream.expires_never();
    std::optional<ReadDeadline> header_deadline(std::in_place, stream.socket(),
                                                settings.header_timeout);
    auto [header_ec, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
    tracked.set_idle(false);
    const bool header_timed_out = header_deadline->passed();
    header_deadline.reset();
    if (header_ec) {
      const bool begun = parser.got_some() || buffer.size() > 0;
      const ReadPhase phase{"headers", settings.header_timeout, header_timed_out, begun};
      if (auto answer = answer_for_read_error(header_ec, settings, phase)) {
        co_await write_response(stream, *answer, 11, false, settings.write_timeout);
        co_await linger_close(stream, settings.linger_time);
      }
      break;
    }

    // A declared Content-Length over the limit fails in async_read_header above (body_limit),
    // so no byte of such a body is read before the 413.
    const unsigned version = parser.get().version();
    // Only chunked is a transfer coding we can read; with another one the body's end is
    // unknown, so the request is refused (RFC 9112, 6.3) rather than read up to EOF.
    if (parser.get().count(http::field::transfer_encoding) > 0 && !parser.chunked()) {
      const Response refusal = error_response(
          400, "bad_request", "Transfer-Encoding other than chunked is not supported");
      co_await write_response(stream, refusal, version, false, settings.write_timeout);
      co_await linger_close(stream, settings.linger_time);
      break;
    }
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, version};
      stream.expires_after(settings.write_timeout);
      auto [ec, n] = co_await http::async_write(stream, go_on, tuple_awaitable);
      if (ec) break;
    }
    if (!parser.is_done()) {
      stream.expires_never();  // the 100 Continue's write deadline no longer applies
      std::optional<ReadDeadline> body_deadline(std::in_place, stream.socket(),
                                                settings.body_timeout);
      auto [body_ec, body_bytes] =
          co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      const bool body_timed_out = body_deadline->passed();
      body_deadline.reset();
      if (body_ec) {
        const ReadPhase phase{"body", settings.body_timeout, body_timed_out, true};
        if (auto answer = answer_for_read_error(body_ec, settings, phase)) {
          co_await write_response(stream, *answer, version, false, settings.write_timeout);
          co_await linger_close(stream, settings.linger_time);
        }
        break;
      }
    }

    stream.expires_never();  // a long-poll may hold the request for up to its wait
    const std::string_view path = parser.get().target().substr(
        0, std::min(parser.get().target().find('?'), parser.get().target().size()));
    if (path == "/ws" && beast::websocket::is_upgrade(parser.get()) && !ctx.stopping) {
      // A WebSocket waits for events like an idle connection: shutdown and the connection cap
      // may close it.
      if (is_cross_site(parser.get())) {
        const Response refusal = error_response(
            403, "cross_origin", "a page of another origin may not open this WebSocket");
        co_await write_response(stream, refusal, version, false, settings.write_timeout);
        break;
      }
      if (auto refusal = websocket_handshake_refusal(parser.get())) {
        co_await write_response(stream, *refusal, version, false, settings.write_timeout);
        break;
      }
      if (auto refusal =
              ctx.api.access().check_websocket(parser.get()[http::field::authorization],
                                               parser.get()[http::field::sec_websocket_protocol])) {
        co_await write_response(stream, *refusal, version, false, settings.write_timeout);
        break;
      }
      tracked.set_idle(true);
      co_await run_websocket_session(stream, parser.release(), ctx.api, ctx.api.broker(),
                                     settings.websocket);
      co_return;
    }
    const bool keep_alive = parser.get().keep_alive();
    const bool head = parser.get().method() == http::verb::head;
    Response response = co_await ctx.api.handle(to_request(parser.get()));
    const bool keep_going = keep_alive && !ctx.stopping;
    // Named, not `!co_await …` in the condition: GCC 12 miscompiles that form.
    const bool sent = co_await write_response(stream, response, version, keep_going,
                                              settings.write_timeout, head);
    if (!sent || !keep_going) {
      break;
    }
  }

  error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace coqueue::server
