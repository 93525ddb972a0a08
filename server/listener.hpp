#pragma once
// Accepts connections and starts a session for each, within the connection cap.

#include <boost/asio/ip/tcp.hpp>

#include "core/support/awaitable.hpp"
#include "server/http_session.hpp"

namespace coqueue::server {

class Listener {
 public:
  // Binds at once, so a taken port fails here, before anything else starts.
  Listener(executor ex, const asio::ip::tcp::endpoint& endpoint, bool reuse_port,
           SessionContext& sessions);

  void start();
  void stop();  // no new connections; sessions carry on
  unsigned short port() const { return port_; }

 private:
  awaitable<void> accept_loop();

  executor ex_;
  asio::ip::tcp::acceptor acceptor_;
  SessionContext& sessions_;
  unsigned short port_ = 0;
};

}  // namespace coqueue::server
