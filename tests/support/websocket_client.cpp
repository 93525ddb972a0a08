#include "tests/support/websocket_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>

namespace coqueue::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  beast::flat_buffer buffer;
};

WebSocketClient::WebSocketClient(unsigned short port, int receive_buffer,
                                 const std::string& protocols)
    : impl_(std::make_unique<Impl>()) {
  auto& socket = impl_->ws.next_layer();
  socket.open(asio::ip::tcp::v4());
  if (receive_buffer > 0) {
    socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  }
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  if (!protocols.empty()) {
    impl_->ws.set_option(boost::beast::websocket::stream_base::decorator(
        [protocols](boost::beast::websocket::request_type& r) {
          r.set(boost::beast::http::field::sec_websocket_protocol, protocols);
        }));
  }
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
}

WebSocketClient::~WebSocketClient() {
  boost::system::error_code ignored;
  impl_->ws.next_layer().close(ignored);
}

void WebSocketClient::send(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text));
}

std::optional<std::string> WebSocketClient::receive(std::chrono::milliseconds timeout) {
  // A blocking read that gives up: SO_RCVTIMEO makes the read fail with EAGAIN.
  timeval tv{.tv_sec = static_cast<time_t>(timeout.count() / 1000),
             .tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(impl_->ws.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::system::error_code ec;
  impl_->ws.read(impl_->buffer, ec);
  if (ec) {
    if (ec == websocket::error::closed) close_code_ = impl_->ws.reason().code;
    // A read that timed out (SO_RCVTIMEO) fails with EAGAIN; anything else ends the socket.
    if (ec != asio::error::would_block && ec != asio::error::try_again &&
        ec != asio::error::timed_out) {
      closed_ = true;
    }
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  return text;
}

std::optional<boost::json::object> WebSocketClient::receive_event(
    const std::string& event, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto text = receive(std::max(left, std::chrono::milliseconds(1)));
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*text, ec);
    if (!ec && v.is_object() && v.as_object().contains("event") &&
        v.as_object().at("event").as_string() == event) {
      return std::move(v.as_object());
    }
  }
  return std::nullopt;
}

}  // namespace coqueue::test
