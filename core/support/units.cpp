#include "core/support/units.hpp"

#include <charconv>
#include <limits>

namespace coqueue {
namespace {

// Splits "250ms" into 250 and "ms"; fails on a sign, an empty number or overflow.
bool split_number(std::string_view text, std::uint64_t& number, std::string_view& suffix) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, number);
  if (ec != std::errc{} || ptr == first) return false;
  suffix = std::string_view(ptr, static_cast<std::size_t>(last - ptr));
  return true;
}

std::optional<std::uint64_t> scaled(std::uint64_t n, std::uint64_t factor) {
  if (n > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
  return n * factor;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::uint64_t n = 0;
  std::string_view suffix;
  if (!split_number(text, n, suffix)) return std::nullopt;
  std::optional<std::uint64_t> ms;
  if (suffix.empty() || suffix == "ms") {
    ms = n;
  } else if (suffix == "s") {
    ms = scaled(n, 1000);
  } else if (suffix == "m") {
    ms = scaled(n, 60'000);
  } else if (suffix == "h") {
    ms = scaled(n, 3'600'000);
  }
  if (!ms || *ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t n = 0;
  std::string_view suffix;
  if (!split_number(text, n, suffix)) return std::nullopt;
  if (suffix.empty() || suffix == "B") return n;
  if (suffix == "KiB") return scaled(n, 1ull << 10);
  if (suffix == "MiB") return scaled(n, 1ull << 20);
  if (suffix == "GiB") return scaled(n, 1ull << 30);
  return std::nullopt;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace coqueue
