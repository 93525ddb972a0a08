#pragma once
// Turns the parser's nodes into RespValue trees, one whole reply at a time. RESP3 attributes
// (metadata before a reply) are skipped.

#include <cstdint>
#include <vector>

#include "core/redis/resp_parser.hpp"
#include "core/redis/resp_value.hpp"

namespace coqueue::redis {

class ReplyBuilder {
 public:
  // Adds one node (copying its bytes); true when it completed a reply, which take() returns.
  bool add(const RespNode& node);
  RespValue take();

 private:
  struct Open {
    RespValue* value;
    std::uint64_t expected;  // children it will hold
  };
  RespValue root_;
  std::vector<Open> open_;
  std::uint64_t skipping_ = 0;  // nodes of an attribute still to skip
};

}  // namespace coqueue::redis
