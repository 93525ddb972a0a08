#pragma once
// Reads an integer out of a JSON value, within bounds, with an error message naming the field.
// Integral doubles count (1.0 is 1), since many JSON encoders write numbers that way.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "core/job/job_errc.hpp"

namespace coqueue {

struct JsonIntError {
  job_errc code;  // wrong_type or invalid_value
  std::string message;
};

std::optional<JsonIntError> read_json_int(const boost::json::value& v, std::string_view field,
                                          std::int64_t min, std::int64_t max, std::int64_t& out);

}  // namespace coqueue
