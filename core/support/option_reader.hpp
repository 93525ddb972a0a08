#pragma once
// Reads typed values out of a parsed CommandLine, keeping the first problem as a message that
// names the option, what it must be, and what it was.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/support/command_line.hpp"

namespace coqueue {

class OptionReader {
 public:
  explicit OptionReader(const CommandLine& cli) : cli_(cli) {}

  std::chrono::milliseconds duration(const char* name);
  std::uint64_t size(const char* name);
  std::int64_t integer(const char* name, std::int64_t min, std::int64_t max);
  // A comma-separated list; empty items are dropped.
  std::vector<std::string> list(const char* name) const;

  // Records a problem with option `name` (only the first one is kept).
  void fail(const char* name, const std::string& expected);
  const std::string& error() const { return error_; }

 private:
  const CommandLine& cli_;
  std::string error_;
};

std::vector<std::string> split_list(const std::string& text);

}  // namespace coqueue
