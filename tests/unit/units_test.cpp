#include "core/support/units.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

using std::chrono::milliseconds;

TEST(Units, Durations) {
  EXPECT_EQ(parse_duration("250"), milliseconds(250));
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("10s"), milliseconds(10'000));
  EXPECT_EQ(parse_duration("2m"), milliseconds(120'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1.5s"));
  EXPECT_FALSE(parse_duration("10 s"));
  EXPECT_FALSE(parse_duration("99999999999999999999h"));
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("64KiB"), 65536u);
  EXPECT_EQ(parse_size("1MiB"), 1048576u);
  EXPECT_EQ(parse_size("2GiB"), 2147483648u);
  EXPECT_FALSE(parse_size("1MB"));
  EXPECT_FALSE(parse_size("MiB"));
}

TEST(Units, Integers) {
  EXPECT_EQ(parse_int("-5"), -5);
  EXPECT_EQ(parse_int("30000"), 30000);
  EXPECT_FALSE(parse_int(""));
  EXPECT_FALSE(parse_int("12x"));
  EXPECT_FALSE(parse_int("1e3"));
}

}  // namespace
}  // namespace coqueue
