#include "core/job/json_int.hpp"

#include <cmath>

namespace coqueue {

std::optional<JsonIntError> read_json_int(const boost::json::value& v, std::string_view field,
                                          std::int64_t min, std::int64_t max, std::int64_t& out) {
  const auto out_of_range = [&] {
    return JsonIntError{job_errc::invalid_value, std::string(field) + " must be between " +
                                                     std::to_string(min) + " and " +
                                                     std::to_string(max)};
  };
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(max)) return out_of_range();
    n = static_cast<std::int64_t>(v.get_uint64());
  } else if (v.is_double() && std::trunc(v.get_double()) == v.get_double()) {
    const double d = v.get_double();
    // 2^63 is past int64's range, yet it is what static_cast<double>(INT64_MAX) rounds to: with
    // max near the top, the bound alone would let it through to an undefined conversion.
    constexpr double past_int64 = 9223372036854775808.0;  // 2^63
    if (d < static_cast<double>(min) || d > static_cast<double>(max) || d >= past_int64) {
      return out_of_range();
    }
    n = static_cast<std::int64_t>(d);
  } else {
    return JsonIntError{job_errc::wrong_type, std::string(field) + " must be an integer"};
  }
  if (n < min || n > max) return out_of_range();
  out = n;
  return std::nullopt;
}

}  // namespace coqueue
