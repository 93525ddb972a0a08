#pragma once
// Wall-clock timestamps as coqueue writes them: RFC 3339, UTC, milliseconds.

#include <chrono>
#include <cstdint>
#include <string>

namespace coqueue {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

// "2026-11-22T15:55:37.123Z"
std::string format_rfc3339(SystemTime t);

std::int64_t unix_millis(SystemTime t);

}  // namespace coqueue
