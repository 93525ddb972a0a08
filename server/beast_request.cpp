#include "server/beast_request.hpp"

#include <boost/beast/core/string.hpp>

namespace coqueue::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

Method to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get: return Method::get;
    case http::verb::head: return Method::head;
    case http::verb::post: return Method::post;
    case http::verb::put: return Method::put;
    case http::verb::patch: return Method::patch;
    case http::verb::delete_: return Method::delete_;
    case http::verb::options: return Method::options;
    default: return Method::other;
  }
}

}  // namespace

bool is_cross_site(const BeastRequest& message) {
  if (beast::iequals(message["Sec-Fetch-Site"], "cross-site")) return true;
  const beast::string_view origin = message[http::field::origin];
  if (origin.empty()) return false;
  if (origin == "null") return true;
  const std::size_t scheme = origin.find("://");
  const beast::string_view authority =
      scheme == beast::string_view::npos ? origin : origin.substr(scheme + 3);
  return !beast::iequals(authority, message[http::field::host]);
}

Request to_request(BeastRequest& message) {
  Request r;
  r.method = to_method(message.method());
  r.target = message.target();
  r.content_type = message[http::field::content_type];
  r.authorization = message[http::field::authorization];
  r.cross_site = is_cross_site(message);
  r.body = std::move(message.body());
  return r;
}

}  // namespace coqueue::server
