#pragma once
// One line per event, written whole: `text` for people, `json` for machines.
// Every line carries ts, level, role, instance, pid and event; fields follow.
// Nothing is formatted when the level is off.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace coqueue::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };
enum class Format { text, json };

struct Settings {
  Level level = Level::info;
  Format format = Format::text;
  std::string role = "coqueue";  // server, worker, loadtest
  std::string instance;          // short id of this process; generated when empty
};

// A field value: text, integer, real or boolean. Holds views, so it lives only for the call.
class Value {
 public:
  Value(std::string_view s) : v_(s) {}
  Value(const std::string& s) : v_(std::string_view(s)) {}
  Value(const char* s) : v_(std::string_view(s)) {}
  Value(bool b) : v_(b) {}
  Value(double d) : v_(d) {}
  template <class I>
  requires(std::is_integral_v<I> && !std::is_same_v<I, bool>) Value(I i)
      : v_(static_cast<std::int64_t>(i)) {}

  const std::variant<std::string_view, std::int64_t, double, bool>& get() const { return v_; }

 private:
  std::variant<std::string_view, std::int64_t, double, bool> v_;
};

struct Field {
  std::string_view key;
  Value value;
};

using Fields = std::initializer_list<Field>;

void configure(Settings settings);
const Settings& settings();
bool parse_level(std::string_view text, Level& out);
bool parse_format(std::string_view text, Format& out);

// The line as it would be written (without the newline); exposed for tests.
std::string format_line(Level level, std::string_view event, Fields fields);

void write(Level level, std::string_view event, Fields fields);

inline bool enabled(Level level) {
  return level <= settings().level;
}

inline void error(std::string_view event, Fields fields = {}) {
  if (enabled(Level::error)) write(Level::error, event, fields);
}
inline void warn(std::string_view event, Fields fields = {}) {
  if (enabled(Level::warn)) write(Level::warn, event, fields);
}
inline void info(std::string_view event, Fields fields = {}) {
  if (enabled(Level::info)) write(Level::info, event, fields);
}
inline void debug(std::string_view event, Fields fields = {}) {
  if (enabled(Level::debug)) write(Level::debug, event, fields);
}

}  // namespace coqueue::log
