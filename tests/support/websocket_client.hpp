#pragma once
// A blocking WebSocket client for tests, to 127.0.0.1:port/ws: send text, receive text with a
// timeout, and see how the server closed the socket.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

namespace coqueue::test {

class WebSocketClient {
 public:
  // `receive_buffer`: the socket's SO_RCVBUF when > 0 (a small one makes a slow reader).
  // `protocols`: offered in Sec-WebSocket-Protocol when not empty. Throws when the server refuses
  // the upgrade.
  explicit WebSocketClient(unsigned short port, int receive_buffer = 0,
                           const std::string& protocols = "");
  ~WebSocketClient();

  void send(const std::string& text);
  // The next message, nothing on timeout or when the socket closed.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  // The next message that parses as an object with "event": `event`, skipping others.
  std::optional<boost::json::object> receive_event(const std::string& event,
                                                   std::chrono::milliseconds timeout);
  // The close code the server sent, once a receive() saw the socket close; 0 otherwise.
  int close_code() const { return close_code_; }
  // True once a receive() found the socket closed, with a close frame or without one.
  bool closed() const { return closed_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int close_code_ = 0;
  bool closed_ = false;
};

}  // namespace coqueue::test
