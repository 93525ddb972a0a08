#include "core/redis/redis_errc.hpp"

#include <string>

#include "core/redis/resp_value.hpp"

namespace coqueue::redis {
namespace {

class RedisCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "coqueue.redis"; }
  std::string message(int ev) const override {
    switch (static_cast<redis_errc>(ev)) {
      case redis_errc::protocol_error: return "malformed RESP from the server";
      case redis_errc::depth_limit: return "reply nested too deep";
      case redis_errc::bulk_too_large: return "bulk string over 512 MiB";
      case redis_errc::line_too_long: return "reply line over 64 KiB";
      case redis_errc::connection_lost:
        return "connection to Redis lost with the request in flight";
      case redis_errc::not_connected: return "no connection to Redis before the deadline";
      case redis_errc::timeout: return "no reply from Redis before the deadline";
      case redis_errc::cancelled: return "request cancelled";
      case redis_errc::handshake_failed: return "Redis refused the connection handshake";
      case redis_errc::invalid_url: return "invalid Redis URL";
      case redis_errc::closed: return "connection closed";
      case redis_errc::server_busy: return "Redis cannot serve now (loading, busy or read-only)";
    }
    return "redis error";
  }
};

}  // namespace

const std::error_category& redis_category() {
  static const RedisCategory category;
  return category;
}

std::error_code make_error_code(redis_errc e) {
  return {static_cast<int>(e), redis_category()};
}

std::string_view code_name(redis_errc e) {
  switch (e) {
    case redis_errc::protocol_error: return "protocol_error";
    case redis_errc::depth_limit: return "depth_limit";
    case redis_errc::bulk_too_large: return "bulk_too_large";
    case redis_errc::line_too_long: return "line_too_long";
    case redis_errc::connection_lost: return "connection_lost";
    case redis_errc::not_connected: return "not_connected";
    case redis_errc::timeout: return "timeout";
    case redis_errc::cancelled: return "cancelled";
    case redis_errc::handshake_failed: return "handshake_failed";
    case redis_errc::invalid_url: return "invalid_url";
    case redis_errc::closed: return "closed";
    case redis_errc::server_busy: return "server_busy";
  }
  return "redis_error";
}

bool is_transient_error(const RespValue& reply) {
  if (!reply.is_error()) return false;
  for (const std::string_view prefix :
       {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "OOM"}) {
    if (reply.text.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace coqueue::redis
