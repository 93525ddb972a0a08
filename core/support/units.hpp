#pragma once
// Durations ("250ms", "10s", "2m", "1h"; a bare number is milliseconds) and sizes
// ("512", "64KiB", "1MiB", "2GiB") as flags and config spell them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coqueue {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<std::uint64_t> parse_size(std::string_view text);
std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace coqueue
