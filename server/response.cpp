#include "server/response.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/support/text_excerpt.hpp"

namespace coqueue::server {

Response json_response(unsigned status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

Response job_response(unsigned status, const Job& job) {
  Response r;
  r.status = status;
  r.body = to_json_text(job);
  return r;
}

Response error_response(unsigned status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  boost::json::object body;
  body["error"] = std::move(error);
  return json_response(status, body);
}

Response job_not_found(std::string_view id) {
  std::string message = "no job with id '";
  message += text_excerpt(id);
  message += "'";
  return error_response(404, "job_not_found", message);
}

}  // namespace coqueue::server
