#include "core/support/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>

#include "core/support/time.hpp"

namespace coqueue::log {
namespace {

Settings& mutable_settings() {
  static Settings s;
  return s;
}

std::string random_instance() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffffu);
  return buf;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::error: return "error";
    case Level::warn: return "warn";
    case Level::info: return "info";
    case Level::debug: return "debug";
  }
  return "info";
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (const char c : s) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void append_number(std::string& out, std::int64_t i) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, end);
}

void append_number(std::string& out, double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, end);
}

void append_value(std::string& out, const Value& value, Format format) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string_view>) {
          if (format == Format::json || needs_quotes(v)) {
            append_json_string(out, v);
          } else {
            out += v;
          }
        } else if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else {
          append_number(out, v);
        }
      },
      value.get());
}

}  // namespace

void configure(Settings settings) {
  if (settings.instance.empty()) settings.instance = random_instance();
  mutable_settings() = std::move(settings);
}

const Settings& settings() {
  return mutable_settings();
}

bool parse_level(std::string_view text, Level& out) {
  for (const Level l : {Level::error, Level::warn, Level::info, Level::debug}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

bool parse_format(std::string_view text, Format& out) {
  if (text == "text") {
    out = Format::text;
  } else if (text == "json") {
    out = Format::json;
  } else {
    return false;
  }
  return true;
}

std::string format_line(Level level, std::string_view event, Fields fields) {
  const Settings& s = settings();
  std::string line;
  line.reserve(128);
  const std::string ts = format_rfc3339(std::chrono::system_clock::now());
  if (s.format == Format::json) {
    line += "{\"ts\":\"";
    line += ts;
    line += "\",\"level\":\"";
    line += level_name(level);
    line += "\",\"role\":";
    append_json_string(line, s.role);
    line += ",\"instance\":";
    append_json_string(line, s.instance);
    line += ",\"pid\":";
    append_number(line, static_cast<std::int64_t>(::getpid()));
    line += ",\"event\":";
    append_json_string(line, event);
    for (const Field& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      append_value(line, f.value, Format::json);
    }
    line += '}';
  } else {
    line += ts;
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += s.role;
    line += '/';
    line += s.instance;
    line += " pid=";
    append_number(line, static_cast<std::int64_t>(::getpid()));
    line += ' ';
    line += event;
    for (const Field& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      append_value(line, f.value, Format::text);
    }
  }
  return line;
}

void write(Level level, std::string_view event, Fields fields) {
  std::string line = format_line(level, event, fields);
  line += '\n';
  // One write(2) per line, so lines from threads and processes sharing stderr never interleave.
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace coqueue::log
