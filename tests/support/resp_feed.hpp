#pragma once
// Feeds bytes to the RESP parser and builder the way a socket would, `step` bytes at a time,
// collecting whole replies. Shared by the parser's tests and its fuzz target.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/redis/reply_builder.hpp"
#include "core/redis/resp_parser.hpp"

namespace coqueue::test {

struct RespFeed {
  std::vector<redis::RespValue> replies;
  std::size_t nodes = 0;
  std::error_code error;
  std::size_t left = 0;           // bytes not used at the end
  bool claimed_too_much = false;  // the parser said it used more bytes than it was shown
};

inline RespFeed feed_resp(std::string_view bytes, std::size_t step = SIZE_MAX) {
  RespFeed out;
  redis::RespParser parser;
  redis::ReplyBuilder builder;
  std::string buffer;
  std::size_t fed = 0;
  for (;;) {
    redis::RespNode node;
    std::size_t used = 0;
    const auto status = parser.next(buffer, node, used);
    if (used > buffer.size() || (status != redis::RespParser::Status::node && used != 0)) {
      out.claimed_too_much = true;
    }
    if (status == redis::RespParser::Status::error) {
      out.error = parser.error();
      return out;
    }
    if (status == redis::RespParser::Status::need_more) {
      if (fed == bytes.size()) break;
      const std::size_t n = std::min(step, bytes.size() - fed);
      buffer.append(bytes.substr(fed, n));
      fed += n;
      continue;
    }
    ++out.nodes;
    if (builder.add(node)) out.replies.push_back(builder.take());
    buffer.erase(0, used);
  }
  out.left = buffer.size();
  return out;
}

}  // namespace coqueue::test
