#include "server/server_threads.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/api.hpp"

namespace coqueue::server {

void ServerThreads::add(executor ex, const Api& api) {
  members_.push_back({std::move(ex), &api});
}

awaitable<MetricsSnapshot> ServerThreads::gather() const {
  MetricsSnapshot total;
  for (const Member& member : members_) {
    const Api* api = member.api;
    // Runs on the member's thread; the result comes back to this coroutine's thread.
    MetricsSnapshot one = co_await asio::co_spawn(
        member.ex, [api]() -> awaitable<MetricsSnapshot> { co_return api->metrics_snapshot(); },
        asio::use_awaitable);
    total.add(one);
  }
  co_return total;
}

}  // namespace coqueue::server
