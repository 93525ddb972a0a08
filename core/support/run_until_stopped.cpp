#include "core/support/run_until_stopped.hpp"

#include <csignal>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>

#include "core/support/log.hpp"

namespace coqueue {

int run_until_stopped(asio::io_context& io, const std::string& role,
                      std::function<awaitable<void>()> shutdown,
                      std::function<void()> on_forced_stop) {
  int exit_code = 0;
  const std::string signal_event = role + ".signal";
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log::info(signal_event, {{"signal", signal}});
    asio::co_spawn(io, shutdown(), [&](std::exception_ptr error) {
      if (error) exit_code = 1;
      io.stop();
    });
    // A second signal while stopping: stop at once.
    signals.async_wait([&](boost::system::error_code ec2, int) {
      if (ec2) return;
      on_forced_stop();
      exit_code = 1;
      io.stop();
    });
  });
  io.run();
  return exit_code;
}

}  // namespace coqueue
