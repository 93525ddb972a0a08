#pragma once
// JSON responses, and the one error shape: {"error": {"code": "...", "message": "..."}}.

#include <string_view>

#include <boost/json/value.hpp>

#include "core/job/job.hpp"
#include "server/http_message.hpp"

namespace coqueue::server {

Response json_response(unsigned status, const boost::json::value& body);
// One job's record, as GET /jobs/<id> returns it.
Response job_response(unsigned status, const Job& job);
Response error_response(unsigned status, std::string_view code, std::string_view message);
// 404 job_not_found, the answer of every route that names a job that does not exist.
Response job_not_found(std::string_view id);

}  // namespace coqueue::server
