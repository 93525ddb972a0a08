#include "core/support/run_threads_until_stopped.hpp"

#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/support/run_until_stopped.hpp"

namespace coqueue {

int run_threads_until_stopped(const std::vector<std::unique_ptr<asio::io_context>>& contexts,
                              const std::string& role,
                              std::function<awaitable<void>(std::size_t)> shutdown,
                              std::function<void()> on_forced_stop) {
  std::vector<std::thread> runners;
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    runners.emplace_back([io = contexts[i].get()] { io->run(); });
  }
  asio::io_context& first = *contexts[0];
  const int exit_code = run_until_stopped(
      first, role,
      [&]() -> awaitable<void> {
        std::size_t others_left = contexts.size() - 1;
        asio::steady_timer all_done(first, asio::steady_timer::time_point::max());
        for (std::size_t i = 1; i < contexts.size(); ++i) {
          // Each reports on the first thread, which alone touches others_left.
          asio::co_spawn(*contexts[i], shutdown(i), [&](std::exception_ptr) {
            asio::post(first, [&] {
              --others_left;
              all_done.cancel();
            });
          });
        }
        co_await shutdown(0);
        while (others_left > 0) {
          // Cancelled (an error code, not an exception) each time a thread reports.
          [[maybe_unused]] auto [ec] =
              co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
        }
      },
      std::move(on_forced_stop));
  for (std::size_t i = 1; i < contexts.size(); ++i) contexts[i]->stop();
  for (std::thread& runner : runners) runner.join();
  return exit_code;
}

}  // namespace coqueue
