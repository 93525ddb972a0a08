#pragma once
// A blocking HTTP/1.1 client for tests, on one keep-alive connection to 127.0.0.1:port, plus a
// raw-bytes exchange for requests no well-behaved client would send.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

namespace coqueue::test {

struct HttpReply {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case

  boost::json::value json() const;
  std::string error_code() const;  // error.code of an error body, or ""
};

class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  ~HttpClient();

  HttpReply request(const std::string& method, const std::string& target,
                    const std::string& body = {},
                    const std::string& content_type = "application/json");
  HttpReply get(const std::string& target) { return request("GET", target); }
  HttpReply post_json(const std::string& target, const std::string& body) {
    return request("POST", target, body);
  }

  // POST /jobs, expecting 202; returns the new job's id.
  std::string submit(const std::string& body);

  // Sends `Authorization: Bearer <token>` with every request from now on (none when empty).
  void set_token(std::string token) { token_ = std::move(token); }

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
  std::string token_;
};

// A bare TCP connection for requests that need byte-level control (slow, partial, idle).
class RawConnection {
 public:
  explicit RawConnection(unsigned short port);
  ~RawConnection();

  void send(const std::string& bytes);
  // What arrives within `timeout`; returns early once `until` is seen or the peer closes.
  std::string read(std::chrono::milliseconds timeout, const std::string& until = "");
  // True if the peer closes (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Sends `bytes` on a fresh connection and returns everything read until the server closes or
// `timeout` passes. Half-closes the sending side after writing when `half_close` is set.
std::string raw_exchange(unsigned short port, const std::string& bytes,
                         std::chrono::milliseconds timeout, bool half_close = false);

}  // namespace coqueue::test
