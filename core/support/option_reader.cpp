#include "core/support/option_reader.hpp"

#include "core/support/units.hpp"

namespace coqueue {

std::chrono::milliseconds OptionReader::duration(const char* name) {
  auto d = parse_duration(cli_.get(name));
  if (!d) fail(name, "a duration like 500ms, 10s or 2m");
  return d.value_or(std::chrono::milliseconds(0));
}

std::uint64_t OptionReader::size(const char* name) {
  auto s = parse_size(cli_.get(name));
  if (!s) fail(name, "a size like 65536, 64KiB or 1MiB");
  return s.value_or(0);
}

std::int64_t OptionReader::integer(const char* name, std::int64_t min, std::int64_t max) {
  auto n = parse_int(cli_.get(name));
  if (!n || *n < min || *n > max) {
    std::string expected = "an integer from ";
    expected += std::to_string(min);
    expected += " to ";
    expected += std::to_string(max);
    fail(name, expected);
  }
  return n.value_or(min);
}

std::vector<std::string> OptionReader::list(const char* name) const {
  return split_list(cli_.get(name));
}

void OptionReader::fail(const char* name, const std::string& expected) {
  if (!error_.empty()) return;
  error_ = "--";
  error_ += name;
  error_ += " must be " + expected + ", not '" + cli_.get(name) + "'";
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace coqueue
