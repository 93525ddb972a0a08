#pragma once
// Reading back JSON that coqueue wrote itself: payloads, results and progress in Redis, schedule
// definitions, job records passed between parts of a server. The API takes bodies up to 64
// levels deep, and what wraps them (a record, a definition) adds levels, while a handler's
// result has no limit at all; the reader must take all of that, where Boost.JSON's default stops
// at 32. Its parser does not recurse, so the generous limit costs no stack.

#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

namespace coqueue {

inline constexpr std::size_t stored_json_max_depth = 1024;

boost::json::value parse_stored_json(std::string_view text, boost::system::error_code& ec);

}  // namespace coqueue
