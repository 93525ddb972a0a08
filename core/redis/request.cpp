#include "core/redis/request.hpp"

namespace coqueue::redis {
namespace {

constexpr std::size_t initial_capacity = 128;

void append_count(std::string& out, char marker, std::size_t n) {
  char buf[24];
  buf[0] = marker;
  const auto [end, ec] = std::to_chars(buf + 1, buf + sizeof buf - 2, n);
  out.append(buf, end);
  out += "\r\n";
}

}  // namespace

void Request::begin(std::size_t arguments) {
  // Most commands fit in this: one allocation instead of the string's doubling from 15 bytes.
  if (payload_.empty()) payload_.reserve(initial_capacity);
  append_count(payload_, '*', arguments);
}

void Request::append(std::string_view arg) {
  append_count(payload_, '$', arg.size());
  payload_.append(arg);
  payload_ += "\r\n";
}

void Request::append(double value) {
  char digits[32];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace coqueue::redis
