#pragma once
// Requests and responses as the API sees them: plain data, no Beast, so the router and the
// handlers compile fast and are tested without sockets. http_session.cpp converts.

#include <string>
#include <utility>
#include <vector>

namespace coqueue::server {

enum class Method { get, head, post, put, patch, delete_, options, other };

struct Request {
  Method method = Method::get;
  std::string target;        // origin-form as sent: path, then an optional ?query
  std::string content_type;  // empty when absent
  std::string body;
  std::string authorization;  // the Authorization header; empty when absent
  // A browser sent it from a page of another origin (Origin or Sec-Fetch-Site say so).
  bool cross_site = false;
};

struct Response {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // beyond type, length, connection
};

}  // namespace coqueue::server
