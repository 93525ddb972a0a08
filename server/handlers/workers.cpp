// GET /workers

#include <algorithm>

#include <boost/json/array.hpp>

#include "server/handlers/handlers.hpp"
#include "server/response.hpp"

namespace coqueue::server::handlers {

awaitable<Response> list_workers(Context ctx) {
  std::vector<boost::json::object> live = co_await ctx.broker.workers();
  std::sort(live.begin(), live.end(), [](const auto& a, const auto& b) {
    return a.at("id").as_string() < b.at("id").as_string();
  });
  boost::json::array workers;
  for (auto& w : live) workers.push_back(std::move(w));
  const std::size_t count = workers.size();
  co_return json_response(200,
                          boost::json::object{{"count", count}, {"workers", std::move(workers)}});
}

}  // namespace coqueue::server::handlers
