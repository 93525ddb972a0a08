#pragma once
// How a long-running executable ends: it runs its io_context until SIGINT or SIGTERM, then its
// graceful shutdown; a second signal while that runs stops it at once.

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue {

// Returns the exit code: 0 after a graceful shutdown, 1 if it threw or a second signal cut it
// short. Logs `<role>.signal`; `on_forced_stop` logs what the forced stop leaves behind.
int run_until_stopped(asio::io_context& io, const std::string& role,
                      std::function<awaitable<void>()> shutdown,
                      std::function<void()> on_forced_stop);

}  // namespace coqueue
