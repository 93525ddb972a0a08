#include "core/support/text_excerpt.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

TEST(TextExcerpt, ShortTextIsQuotedWhole) {
  EXPECT_EQ(text_excerpt("abc", 3), "abc");
  EXPECT_EQ(text_excerpt("", 3), "");
}

TEST(TextExcerpt, LongTextIsCutAndMarked) {
  EXPECT_EQ(text_excerpt(std::string(1000, 'a'), 4), "aaaa...");
}

TEST(TextExcerpt, ACutNeverSplitsAUtf8Character) {
  // "é" is two bytes (C3 A9): a cut after its first byte backs off to before it.
  EXPECT_EQ(text_excerpt("abé" "cdef", 3), "ab...");
  EXPECT_EQ(text_excerpt("abé" "cdef", 4), "abé...");
  // A run of continuation bytes with no lead byte backs off to nothing rather than past it.
  EXPECT_EQ(text_excerpt("\x80\x80\x80\x80", 2), "...");
}

}  // namespace
}  // namespace coqueue
