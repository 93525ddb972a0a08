#pragma once
// run_until_stopped for a process of several threads, each with an io_context of its own (a
// server or worker run with --threads): the first context runs on the calling thread and takes
// the signals, the others on threads started here. At SIGINT or SIGTERM every context's
// graceful shutdown runs at once, each on its own thread; when all have ended, the threads are
// stopped and joined. A second signal stops everything at once.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue {

// `shutdown(i)`: the graceful shutdown of context i, to run on it. Returns the exit code as
// run_until_stopped does.
int run_threads_until_stopped(const std::vector<std::unique_ptr<asio::io_context>>& contexts,
                              const std::string& role,
                              std::function<awaitable<void>(std::size_t)> shutdown,
                              std::function<void()> on_forced_stop);

}  // namespace coqueue
