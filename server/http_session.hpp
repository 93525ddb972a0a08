#pragma once
// One HTTP/1.1 connection: read a request, answer it, repeat while keep-alive holds.

#include <boost/asio/ip/tcp.hpp>

#include "core/support/awaitable.hpp"
#include "server/api.hpp"
#include "server/connection_tracker.hpp"
#include "server/http_settings.hpp"

namespace coqueue::server {

struct SessionContext {
  Api& api;
  ConnectionTracker& tracker;
  const HttpSettings& settings;
  const bool& stopping;  // set at shutdown: finish the request in hand, then close
};

awaitable<void> run_http_session(asio::ip::tcp::socket socket, SessionContext& ctx);

}  // namespace coqueue::server
