#include "server/live_workers.hpp"

namespace coqueue::server {

std::map<std::string, std::int64_t> workers_per_queue(
    const std::vector<boost::json::object>& live) {
  std::map<std::string, std::int64_t> out;
  for (const auto& w : live) {
    const auto* queues = w.if_contains("queues");
    if (queues == nullptr || !queues->is_array()) continue;
    for (const auto& q : queues->as_array()) {
      const auto* name = q.is_object() ? q.as_object().if_contains("name") : nullptr;
      if (name != nullptr && name->is_string()) ++out[std::string(name->as_string())];
    }
  }
  return out;
}

}  // namespace coqueue::server
