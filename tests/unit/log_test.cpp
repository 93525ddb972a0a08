#include "core/support/log.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace coqueue::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { configure({}); }
};

TEST_F(LogTest, JsonLineHasTheCommonFieldsAndEscapes) {
  configure({.level = Level::debug, .format = Format::json, .role = "server", .instance = "s1"});
  const std::string line = format_line(Level::info, "job.start",
                                       {{"job_id", "abc"},
                                        {"attempt", 2},
                                        {"ok", true},
                                        {"ms", 1.5},
                                        {"note", "a \"quoted\"\nline"}});
  const auto v = boost::json::parse(line);  // one valid JSON object
  EXPECT_EQ(v.at("level"), "info");
  EXPECT_EQ(v.at("role"), "server");
  EXPECT_EQ(v.at("instance"), "s1");
  EXPECT_EQ(v.at("event"), "job.start");
  EXPECT_EQ(v.at("attempt"), 2);
  EXPECT_EQ(v.at("ok"), true);
  EXPECT_EQ(v.at("note"), "a \"quoted\"\nline");
  EXPECT_TRUE(v.at("pid").is_int64());
  const std::string ts(v.at("ts").as_string());
  EXPECT_EQ(ts.size(), 24u);
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST_F(LogTest, TextLineIsKeyValueAndQuotesWhenNeeded) {
  configure({.level = Level::info, .format = Format::text, .role = "worker", .instance = "w1"});
  const std::string line =
      format_line(Level::warn, "job.finish", {{"outcome", "failed"}, {"error", "two words"}});
  EXPECT_NE(line.find(" warn worker/w1 pid="), std::string::npos) << line;
  EXPECT_NE(line.find(" job.finish outcome=failed error=\"two words\""), std::string::npos) << line;
}

TEST_F(LogTest, LevelsFilter) {
  configure({.level = Level::warn, .format = Format::text, .role = "t", .instance = "i"});
  EXPECT_TRUE(enabled(Level::error));
  EXPECT_TRUE(enabled(Level::warn));
  EXPECT_FALSE(enabled(Level::info));
  EXPECT_FALSE(enabled(Level::debug));
  Level l;
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_FALSE(parse_level("verbose", l));
}

}  // namespace
}  // namespace coqueue::log
