#include "core/support/text_excerpt.hpp"

namespace coqueue {

std::string text_excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  const auto continuation = [&](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  while (cut > 0 && continuation(cut)) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

}  // namespace coqueue
