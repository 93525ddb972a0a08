#pragma once
// A reply from Redis, RESP2 or RESP3, as a tree that owns its data.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coqueue::redis {

enum class RespType : std::uint8_t {
  simple_string,  // +OK
  simple_error,   // -ERR ...
  integer,        // :42
  bulk_string,    // $3 foo
  array,          // *N
  null,           // $-1, *-1 (RESP2) or _ (RESP3)
  // RESP3 only
  boolean,          // #t / #f
  double_number,    // ,3.14  (text kept as sent: inf, -inf, nan too)
  big_number,       // (3492890328409238509324850943850943825024385
  bulk_error,       // !N text
  verbatim_string,  // =N txt:text  (value keeps the "txt:" prefix)
  map,              // %N: N key/value pairs, 2N children
  set,              // ~N
  push,             // >N: out-of-band data (pub/sub messages)
  attribute,        // |N: metadata that precedes a reply; 2N children
};

std::string_view to_string(RespType type);
bool is_aggregate(RespType type);

struct RespValue {
  RespType type = RespType::null;
  std::string text;                 // strings, errors, doubles, big numbers, verbatim
  std::int64_t integer = 0;         // integer; boolean as 0/1
  std::vector<RespValue> elements;  // aggregates (map and attribute: key, value, key, value…)

  bool is_error() const { return type == RespType::simple_error || type == RespType::bulk_error; }
  bool is_null() const { return type == RespType::null; }
  bool is_string() const {
    return type == RespType::simple_string || type == RespType::bulk_string ||
           type == RespType::verbatim_string;
  }
};

}  // namespace coqueue::redis
