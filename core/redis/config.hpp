#pragma once
// How to reach Redis and how the connection behaves. Defaults suit a local redis-server.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace coqueue::redis {

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string unix_path;  // when set, host and port are ignored
  std::string username;   // ACL user; empty: "default" when a password is given
  std::string password;
  int database = 0;
  std::string
      client_name;  // CLIENT SETNAME; empty: "coqueue:<role>:<instance>" from the log settings

  std::chrono::milliseconds connect_timeout{2000};
  // A PING goes out when the link has been quiet this long; no answer within another such
  // period drops the link. Zero turns the check off.
  std::chrono::milliseconds health_check_interval{2000};
  // Reconnect delay: from min, doubling per failed try up to max, with +/-25% jitter.
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{2000};
  // A request waits at most this long in exec() unless the call gives its own timeout.
  std::chrono::milliseconds request_timeout{5000};
  // While the last attempt to connect failed, exec() fails at once with not_connected instead
  // of waiting for a link (an HTTP API answers 503 now rather than after request_timeout). A
  // request made while the first reconnect is still being tried waits as usual.
  bool fail_fast_when_unreachable = false;
};

// redis://[user[:password]@]host[:port][/db] or unix:///path/to/redis.sock[?db=N].
// Percent-escapes in user and password are decoded. Returns the reason on failure.
std::variant<Config, std::string> parse_url(std::string_view url);

}  // namespace coqueue::redis
