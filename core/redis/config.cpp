#include "core/redis/config.hpp"

#include <boost/url/parse.hpp>

#include "core/support/units.hpp"

namespace coqueue::redis {

std::variant<Config, std::string> parse_url(std::string_view text) {
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return "not a URL: '" + std::string(text) + "'";
  const boost::urls::url_view& url = *parsed;
  Config config;
  const std::string scheme(url.scheme());

  if (scheme == "unix") {
    config.unix_path = url.path();
    if (config.unix_path.empty()) return std::string("unix URL without a socket path");
    for (const auto& param : url.params()) {
      if (param.key != "db") return "unknown URL parameter '" + std::string(param.key) + "'";
      const auto db = parse_int(param.value);
      if (!db || *db < 0) return std::string("db must be a non-negative integer");
      config.database = static_cast<int>(*db);
    }
  } else if (scheme == "redis") {
    if (!url.has_authority() || url.host().empty()) return std::string("redis URL without a host");
    config.host = url.host_address();
    if (url.host_type() == boost::urls::host_type::ipv6) {
      config.host = url.host_ipv6_address().to_string();
    }
    if (url.has_port()) {
      const auto port = parse_int(url.port());
      if (!port || *port <= 0 || *port > 65535) return "bad port '" + std::string(url.port()) + "'";
      config.port = static_cast<unsigned short>(*port);
    }
    if (url.has_userinfo()) {
      config.username = url.user();
      config.password = url.password();
    }
    std::string_view path = url.encoded_path();
    if (path.starts_with('/')) path.remove_prefix(1);
    if (!path.empty()) {
      const auto db = parse_int(path);
      if (!db || *db < 0)
        return "the path must be a database number, not '" + std::string(path) + "'";
      config.database = static_cast<int>(*db);
    }
  } else {
    return "unsupported scheme '" + scheme + "' (use redis:// or unix://)";
  }
  return config;
}

}  // namespace coqueue::redis
