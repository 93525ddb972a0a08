#pragma once
// What can go wrong talking to Redis. A Redis error reply (-ERR ...) is not one of these: it is
// a reply, and reaches the caller as such (see RedisError in connection.hpp).

#include <string_view>
#include <system_error>

namespace coqueue::redis {

enum class redis_errc {
  protocol_error = 1,  // a byte that is not RESP
  depth_limit,         // aggregates nested deeper than the parser allows
  bulk_too_large,      // a bulk string over 512 MiB
  line_too_long,       // a simple line over 64 KiB
  connection_lost,     // the link dropped while the request was written or in flight
  not_connected,       // the request could not be written before its deadline: no link
  timeout,             // the reply did not come before the request's deadline
  cancelled,           // the caller cancelled the request
  handshake_failed,    // HELLO/AUTH/SELECT refused: wrong password, unknown db, …
  invalid_url,         // a connection URL that cannot be parsed
  closed,              // the connection was shut down
  server_busy,         // Redis answered that it cannot serve now (LOADING, BUSY, READONLY…)
};

const std::error_category& redis_category();
std::error_code make_error_code(redis_errc e);
std::string_view code_name(redis_errc e);

struct RespValue;
// An error reply that says Redis cannot serve the command now, not that the command is wrong:
// it is loading its data, a script is busy, it is a replica, the cluster is down, or it is out
// of memory (maxmemory with noeviction). Nothing ran.
bool is_transient_error(const RespValue& reply);

}  // namespace coqueue::redis

template <>
struct std::is_error_code_enum<coqueue::redis::redis_errc> : std::true_type {};
