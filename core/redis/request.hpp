#pragma once
// One or more Redis commands, serialized into RESP as they are added, so a request is written
// to the socket as it stands. Arguments are appended in place: no per-argument allocation.
//
//   Request r;
//   r.push("SET", "key", value);
//   r.push("INCRBY", "counter", 5);
//   auto replies = co_await conn.exec(std::move(r));  // two replies, in order

#include <charconv>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace coqueue::redis {

class Request {
 public:
  template <class... Args>
  void push(std::string_view command, const Args&... args) {
    begin(1 + sizeof...(args));
    append(command);
    (append(args), ...);
    ++commands_;
  }

  // A command with a run of arguments, e.g. EVALSHA with a list of keys.
  template <class Range>
  void push_range(std::string_view command, const Range& args) {
    begin(1 + std::size(args));
    append(command);
    for (const auto& a : args) append(a);
    ++commands_;
  }

  std::size_t commands() const { return commands_; }
  const std::string& payload() const { return payload_; }
  void reserve(std::size_t bytes) { payload_.reserve(bytes); }
  void clear() {
    payload_.clear();
    commands_ = 0;
  }

 private:
  void begin(std::size_t arguments);
  void append(std::string_view arg);
  void append(const std::string& arg) { append(std::string_view(arg)); }
  void append(const char* arg) { append(std::string_view(arg)); }
  template <std::integral I>
  void append(I value) {
    char digits[24];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
  void append(double value);

  std::string payload_;
  std::size_t commands_ = 0;
};

}  // namespace coqueue::redis
