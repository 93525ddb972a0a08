#include "server/backend_probe.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/redis/connection.hpp"

namespace coqueue::server {
namespace {

awaitable<void> ping(redis::Connection& conn, std::chrono::milliseconds timeout, ProbeResult& out) {
  redis::Request request;
  request.push("PING");
  const redis::ExecResult result = co_await conn.exec(std::move(request), timeout);
  if (!result) {
    out.error = result.error().message();
  } else if (result->front().is_error()) {
    out.error = result->front().text;
  } else {
    out.answered = true;
  }
  conn.close();
}

}  // namespace

ProbeResult probe_redis(const redis::Config& config, std::chrono::milliseconds timeout) {
  asio::io_context io(1);
  redis::Config c = config;
  c.connect_timeout = timeout;
  c.reconnect_min = timeout;  // one try is enough: the answer is yes or no
  ProbeResult out;
  redis::Connection conn(io.get_executor(), c);
  conn.start();
  asio::co_spawn(io, ping(conn, timeout, out), asio::detached);
  io.run();
  return out;
}

}  // namespace coqueue::server
