#pragma once
// Error messages quote what a client sent (an id, a field name) so the client sees what was
// refused; a quote is cut short so that a megabyte of input never comes back in full.

#include <cstddef>
#include <string>
#include <string_view>

namespace coqueue {

// `text` itself when it has at most `max_bytes`; else its first bytes (not splitting a UTF-8
// character) followed by "...".
std::string text_excerpt(std::string_view text, std::size_t max_bytes = 64);

}  // namespace coqueue
