#include "server/listener.hpp"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/support/log.hpp"

namespace coqueue::server {
namespace {

using reuse_port_option = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

void log_session_end(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::error("http.session_failed", {{"error", e.what()}});
  }
}

}  // namespace

Listener::Listener(executor ex, const asio::ip::tcp::endpoint& endpoint, bool reuse_port,
                   SessionContext& sessions)
    : ex_(ex), acceptor_(ex), sessions_(sessions) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  if (reuse_port) acceptor_.set_option(reuse_port_option(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  asio::co_spawn(ex_, accept_loop(), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::error("http.accept_failed", {{"error", e.what()}});
    }
  });
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

awaitable<void> Listener::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: say so, breathe, go on.
      log::warn("http.accept_error", {{"error", ec.message()}});
      asio::steady_timer pause(ex_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (sessions_.tracker.size() >= sessions_.settings.max_connections &&
        !sessions_.tracker.close_oldest_idle()) {
      boost::system::error_code ignored;
      socket.close(ignored);  // every slot is busy with a request: refuse rather than grow
      log::warn("http.connection_refused", {{"reason", "connection cap reached"}});
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    asio::co_spawn(ex_, run_http_session(std::move(socket), sessions_), log_session_end);
  }
}

}  // namespace coqueue::server
