#include "core/redis/resp_value.hpp"

namespace coqueue::redis {

std::string_view to_string(RespType type) {
  switch (type) {
    case RespType::simple_string: return "simple_string";
    case RespType::simple_error: return "simple_error";
    case RespType::integer: return "integer";
    case RespType::bulk_string: return "bulk_string";
    case RespType::array: return "array";
    case RespType::null: return "null";
    case RespType::boolean: return "boolean";
    case RespType::double_number: return "double";
    case RespType::big_number: return "big_number";
    case RespType::bulk_error: return "bulk_error";
    case RespType::verbatim_string: return "verbatim_string";
    case RespType::map: return "map";
    case RespType::set: return "set";
    case RespType::push: return "push";
    case RespType::attribute: return "attribute";
  }
  return "unknown";
}

bool is_aggregate(RespType type) {
  return type == RespType::array || type == RespType::map || type == RespType::set ||
         type == RespType::push || type == RespType::attribute;
}

}  // namespace coqueue::redis
