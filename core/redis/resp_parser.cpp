#include "core/redis/resp_parser.hpp"

#include <charconv>

#include "core/redis/redis_errc.hpp"

namespace coqueue::redis {
namespace {

bool parse_signed(std::string_view text, std::int64_t& out) noexcept {
  if (text.empty()) return false;
  const char* first = text.data();
  if (*first == '+') ++first;  // RESP3 allows an explicit sign
  const auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size() && first != ptr;
}

bool is_big_number(std::string_view text) noexcept {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_double(std::string_view text) noexcept {
  if (text == "inf" || text == "-inf" || text == "nan" || text == "-nan") return true;
  double d = 0;
  const char* first = text.data();
  if (!text.empty() && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), d);
  return ec == std::errc{} && ptr == text.data() + text.size() && first != ptr;
}

}  // namespace

void RespParser::reset() noexcept {
  depth_ = 0;
  error_ = {};
}

RespParser::Status RespParser::fail(std::error_code ec) noexcept {
  error_ = ec;
  return Status::error;
}

void RespParser::element_done() noexcept {
  while (depth_ > 0) {
    if (--remaining_[depth_] > 0) return;
    --depth_;
  }
}

RespParser::Status RespParser::next(std::string_view input, RespNode& out,
                                    std::size_t& used) noexcept {
  used = 0;
  if (error_) return Status::error;
  if (input.empty()) return Status::need_more;

  const std::size_t eol = input.find("\r\n");
  if (eol == std::string_view::npos) {
    return input.size() > max_line + 1 ? fail(redis_errc::line_too_long) : Status::need_more;
  }
  if (eol > max_line + 1) return fail(redis_errc::line_too_long);
  const char marker = input.front();
  const std::string_view line = input.substr(1, eol - 1);
  const std::size_t header = eol + 2;

  out = RespNode{RespType::null, depth_, 0, {}};
  std::int64_t n = 0;
  bool aggregate = false;
  std::uint64_t children = 0;

  switch (marker) {
    case '+':
      out.type = RespType::simple_string;
      out.value = line;
      break;
    case '-':
      out.type = RespType::simple_error;
      out.value = line;
      break;
    case ':':
      if (!parse_signed(line, n)) return fail(redis_errc::protocol_error);
      out.type = RespType::integer;
      out.value = line;
      break;
    case '$':
    case '!':
    case '=': {
      if (!parse_signed(line, n) || n < -1) return fail(redis_errc::protocol_error);
      if (n == -1) {
        if (marker != '$') return fail(redis_errc::protocol_error);
        out.type = RespType::null;  // RESP2 null bulk string
        break;
      }
      const auto size = static_cast<std::uint64_t>(n);
      if (size > max_bulk) return fail(redis_errc::bulk_too_large);
      if (input.size() - header < size + 2) return Status::need_more;  // nothing taken yet
      if (input[header + size] != '\r' || input[header + size + 1] != '\n') {
        return fail(redis_errc::protocol_error);
      }
      out.type = marker == '$'   ? RespType::bulk_string
                 : marker == '!' ? RespType::bulk_error
                                 : RespType::verbatim_string;
      out.value = input.substr(header, size);
      used = header + size + 2;
      element_done();
      return Status::node;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      if (!parse_signed(line, n) || n < -1) return fail(redis_errc::protocol_error);
      if (n == -1) {
        if (marker != '*') return fail(redis_errc::protocol_error);
        out.type = RespType::null;  // RESP2 null array
        break;
      }
      out.type = marker == '*'   ? RespType::array
                 : marker == '~' ? RespType::set
                 : marker == '>' ? RespType::push
                 : marker == '%' ? RespType::map
                                 : RespType::attribute;
      out.size = static_cast<std::uint64_t>(n);
      aggregate = true;
      children = (marker == '%' || marker == '|') ? out.size * 2 : out.size;
      break;
    }
    case '_':
      if (!line.empty()) return fail(redis_errc::protocol_error);
      out.type = RespType::null;
      break;
    case '#':
      if (line != "t" && line != "f") return fail(redis_errc::protocol_error);
      out.type = RespType::boolean;
      out.value = line;
      break;
    case ',':
      if (!is_double(line)) return fail(redis_errc::protocol_error);
      out.type = RespType::double_number;
      out.value = line;
      break;
    case '(':
      if (!is_big_number(line)) return fail(redis_errc::protocol_error);
      out.type = RespType::big_number;
      out.value = line;
      break;
    default: return fail(redis_errc::protocol_error);
  }

  if (aggregate && children > 0) {
    if (depth_ == max_depth) return fail(redis_errc::depth_limit);  // takes nothing
    remaining_[++depth_] = children;
  } else {
    element_done();
  }
  used = header;
  return Status::node;
}

}  // namespace coqueue::redis
