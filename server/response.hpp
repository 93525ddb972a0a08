#pragma once
// JSON responses, and the one error shape: {"error": {"code": "...", "message": "..."}}.

#include <string_view>

#include <boost/json/value.hpp>

#include "server/http_message.hpp"

namespace coqueue::server {

Response json_response(unsigned status, const boost::json::value& body);
Response error_response(unsigned status, std::string_view code, std::string_view message);

}  // namespace coqueue::server
