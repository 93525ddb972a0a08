// libFuzzer target for the RESP parser and reply builder. Beyond "no crash, no UB, no leak",
// it checks that feeding the bytes in pieces gives exactly what feeding them whole gives, and
// that the parser never claims more bytes than it was shown.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/redis/reply_builder.hpp"
#include "core/redis/resp_parser.hpp"

namespace {

using coqueue::redis::ReplyBuilder;
using coqueue::redis::RespNode;
using coqueue::redis::RespParser;

struct Outcome {
  std::size_t replies = 0;
  std::size_t nodes = 0;
  bool error = false;
  std::size_t left = 0;
};

Outcome parse(std::string_view bytes, std::size_t step) {
  Outcome out;
  RespParser parser;
  ReplyBuilder builder;
  std::string buffer;
  std::size_t fed = 0;
  for (;;) {
    RespNode node;
    std::size_t used = 0;
    const auto status = parser.next(buffer, node, used);
    if (used > buffer.size()) std::abort();
    if (status == RespParser::Status::error) {
      out.error = true;
      return out;
    }
    if (status == RespParser::Status::need_more) {
      if (used != 0) std::abort();
      if (fed == bytes.size()) break;
      const std::size_t n = std::min(step, bytes.size() - fed);
      buffer.append(bytes.substr(fed, n));
      fed += n;
      continue;
    }
    ++out.nodes;
    if (builder.add(node)) {
      ++out.replies;
      builder.take();
    }
    buffer.erase(0, used);
  }
  out.left = buffer.size();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 16;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome whole = parse(bytes, bytes.size() + 1);
  const Outcome pieces = parse(bytes, step);
  if (whole.error != pieces.error || whole.nodes != pieces.nodes ||
      whole.replies != pieces.replies || (!whole.error && whole.left != pieces.left)) {
    std::abort();
  }
  return 0;
}
