#include "core/schedule/cron_expression.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

using namespace std::chrono;

SystemTime at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return time_point_cast<SystemTime::duration>(sys_days{year{y} / mo / d} + hours(h) + minutes(mi) +
                                               seconds(s));
}

CronExpression cron(std::string_view text) {
  auto parsed = CronExpression::parse(text);
  if (auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << text << ": " << *error;
  return std::get<CronExpression>(parsed);
}

std::string error_of(std::string_view text) {
  auto parsed = CronExpression::parse(text);
  const auto* error = std::get_if<std::string>(&parsed);
  return error != nullptr ? *error : "";
}

SystemTime next(std::string_view text, SystemTime after) {
  const auto n = cron(text).next_after(after);
  EXPECT_TRUE(n) << text;
  return n.value_or(SystemTime{});
}

TEST(CronExpression, FiveFieldsStartOnTheMinuteSixOnTheSecond) {
  EXPECT_EQ(next("* * * * *", at(2026, 11, 22, 10, 0, 30)), at(2026, 11, 22, 10, 1, 0));
  EXPECT_EQ(next("*/10 * * * * *", at(2026, 11, 22, 10, 0, 30)), at(2026, 11, 22, 10, 0, 40));
  EXPECT_EQ(next("*/10 * * * * *", at(2026, 11, 22, 10, 0, 50)), at(2026, 11, 22, 10, 1, 0));
  // Strictly after: a time that matches gives the next one.
  EXPECT_EQ(next("0 * * * *", at(2026, 11, 22, 10, 0, 0)), at(2026, 11, 22, 11, 0, 0));
  EXPECT_EQ(next("* * * * * *", at(2026, 11, 22, 10, 0, 0) + milliseconds(999)),
            at(2026, 11, 22, 10, 0, 1));
}

TEST(CronExpression, StepsRangesListsAndNames) {
  EXPECT_EQ(next("0 2 * * *", at(2026, 11, 22, 3)), at(2026, 11, 23, 2));
  EXPECT_EQ(next("15,45 9-17/4 * * *", at(2026, 11, 22, 9, 20)), at(2026, 11, 22, 9, 45));
  EXPECT_EQ(next("15,45 9-17/4 * * *", at(2026, 11, 22, 9, 50)), at(2026, 11, 22, 13, 15));
  EXPECT_EQ(next("0 0 * JAN,jul MON", at(2026, 11, 22)), at(2027, 1, 4));  // first Monday
  EXPECT_EQ(next("30 5/6 * * *", at(2026, 11, 22, 12)), at(2026, 11, 22, 17, 30));
  EXPECT_EQ(next("0 0 * * 7", at(2026, 11, 22, 1)), at(2026, 11, 29));    // 7 is Sunday too
  EXPECT_EQ(next("0 0 * * 5-7", at(2026, 11, 21, 1)), at(2026, 11, 22));  // Sat 21st -> Sun
  EXPECT_EQ(next("@hourly", at(2026, 11, 22, 10, 5)), at(2026, 11, 22, 11));
  EXPECT_EQ(next("@weekly", at(2026, 11, 22, 10)), at(2026, 11, 29));
  EXPECT_EQ(next("@yearly", at(2026, 11, 22)), at(2027, 1, 1));
}

// Both day fields restricted: either matches (Vixie cron). One of them *: the other decides.
TEST(CronExpression, DayOfMonthOrDayOfWeek) {
  // The 13th, or any Friday: after Sun 22 Nov 2026 comes Fri 27 Nov.
  EXPECT_EQ(next("0 0 13 * 5", at(2026, 11, 22)), at(2026, 11, 27));
  // The 1st of a month only.
  EXPECT_EQ(next("0 0 1 * *", at(2026, 11, 22)), at(2026, 12, 1));
  // Fridays only (day-of-month is *).
  EXPECT_EQ(next("0 0 * * FRI", at(2026, 11, 28)), at(2026, 12, 4));
  // */2 starts with *, so it does not count as restricted: odd days that are also Saturdays
  // (with "either", the 23rd would come first).
  EXPECT_EQ(next("0 0 */2 * 6", at(2026, 11, 22)), at(2026, 12, 5));
}

TEST(CronExpression, MonthEndsAndLeapYears) {
  EXPECT_EQ(next("0 0 31 * *", at(2026, 11, 22)), at(2026, 12, 31));
  EXPECT_EQ(next("0 0 31 * *", at(2027, 1, 31, 1)), at(2027, 3, 31));  // no 31 Feb
  EXPECT_EQ(next("0 0 29 2 *", at(2026, 11, 22)), at(2028, 2, 29));
  EXPECT_EQ(next("0 0 29 2 *", at(2096, 3, 1)), at(2104, 2, 29));  // 2100 is not a leap year
  EXPECT_EQ(next("59 23 28-29 2 *", at(2028, 2, 28, 23, 59)), at(2028, 2, 29, 23, 59));
  EXPECT_EQ(next("0 0 1 1 *", at(2026, 12, 31, 23, 59, 59)), at(2027, 1, 1));
  EXPECT_FALSE(cron("0 0 30 2 *").next_after(at(2026, 1, 1)));  // never
}

TEST(CronExpression, BadExpressionsNameTheProblem) {
  EXPECT_NE(error_of("* * * *").find("5 fields"), std::string::npos);
  EXPECT_NE(error_of("* * * * * * *").find("not 7"), std::string::npos);
  EXPECT_NE(error_of("60 * * * *").find("minutes"), std::string::npos);
  EXPECT_NE(error_of("* 24 * * *").find("hours"), std::string::npos);
  EXPECT_NE(error_of("* * 0 * *").find("day-of-month"), std::string::npos);
  EXPECT_NE(error_of("* * * 13 *").find("month"), std::string::npos);
  EXPECT_NE(error_of("* * * * 8").find("day-of-week"), std::string::npos);
  EXPECT_NE(error_of("*/0 * * * *").find("step"), std::string::npos);
  EXPECT_NE(error_of("5/2147483647 * * * *").find("step"), std::string::npos);
  EXPECT_NE(error_of("5-1 * * * *").find("range"), std::string::npos);
  EXPECT_NE(error_of("a * * * *").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("1,,2 * * * *").find("not a number"), std::string::npos);
  EXPECT_NE(error_of("@often").find("macro"), std::string::npos);
}

}  // namespace
}  // namespace coqueue
