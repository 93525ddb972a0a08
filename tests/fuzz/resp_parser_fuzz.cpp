// libFuzzer target for the RESP parser and reply builder. Beyond "no crash, no UB, no leak",
// it checks that feeding the bytes in pieces gives exactly what feeding them whole gives, and
// that the parser never claims more bytes than it was shown.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tests/support/resp_feed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 16;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = coqueue::test::feed_resp(bytes, bytes.size() + 1);
  const auto pieces = coqueue::test::feed_resp(bytes, step);
  if (whole.claimed_too_much || pieces.claimed_too_much || whole.error != pieces.error ||
      whole.nodes != pieces.nodes || whole.replies.size() != pieces.replies.size() ||
      (!whole.error && whole.left != pieces.left)) {
    std::abort();
  }
  return 0;
}
