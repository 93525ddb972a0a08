#pragma once
// How many live workers serve each queue, from what each says about itself in GET /workers
// ({"queues": [{"name": ...}, ...]}). For GET /metrics and the alerts.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace coqueue::server {

std::map<std::string, std::int64_t> workers_per_queue(const std::vector<boost::json::object>& live);

}  // namespace coqueue::server
