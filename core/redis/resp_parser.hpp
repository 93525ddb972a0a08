#pragma once
// An incremental RESP2/RESP3 parser. Feed it the bytes read so far; it reports each node of the
// reply in pre-order (an aggregate before its children) with a view into the bytes given, and
// how many bytes the node took. It never allocates and never throws. When a line or a bulk
// payload is not complete yet it asks for more and takes nothing, so the caller keeps the bytes
// and calls again with more; it keeps its place in the tree across calls.
//
// Limits: nesting depth 16, a bulk payload of at most 512 MiB, a line (simple string, error,
// number) of at most 64 KiB; anything past them, or any malformed byte, is a protocol error.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "core/redis/resp_value.hpp"

namespace coqueue::redis {

struct RespNode {
  RespType type;
  std::size_t depth;       // 0 for the top level
  std::uint64_t size;      // elements of an aggregate (pairs for map and attribute)
  std::string_view value;  // a view into the input; valid until the caller drops those bytes
};

class RespParser {
 public:
  static constexpr std::size_t max_depth = 16;
  static constexpr std::uint64_t max_bulk = 512ull << 20;
  static constexpr std::size_t max_line = 64 * 1024;

  enum class Status { node, need_more, error };

  // Parses the next node from `input` (the unconsumed bytes). On `node`, `out` holds it and
  // `used` says how many bytes of `input` it took; drop them before the next call.
  Status next(std::string_view input, RespNode& out, std::size_t& used) noexcept;

  // True after the last node of a whole top-level reply was returned.
  bool reply_done() const noexcept { return depth_ == 0; }
  std::error_code error() const noexcept { return error_; }
  void reset() noexcept;

 private:
  Status fail(std::error_code ec) noexcept;
  void element_done() noexcept;

  std::array<std::uint64_t, max_depth + 1> remaining_{};  // children still due per open level
  std::size_t depth_ = 0;
  std::error_code error_;
};

}  // namespace coqueue::redis
