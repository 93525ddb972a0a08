#include "core/support/command_line.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

CommandLine make() {
  CommandLine cli("prog", "does things");
  cli.add("listen", "127.0.0.1:8080", "where");
  cli.add("workers", "4", "how many");
  cli.add_switch("verbose", "talk more");
  return cli;
}

CommandLine::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

TEST(CommandLine, DefaultsEnvironmentAndFlagsInThatOrder) {
  CommandLine cli = make();
  ASSERT_FALSE(cli.parse({"--workers", "8"},
                         env_of({{"COQUEUE_WORKERS", "6"}, {"COQUEUE_LISTEN", "0.0.0.0:1"}})));
  EXPECT_EQ(cli.get("workers"), "8");         // flag beats environment
  EXPECT_EQ(cli.get("listen"), "0.0.0.0:1");  // environment beats default
  EXPECT_EQ(cli.get("verbose"), "false");
  EXPECT_TRUE(cli.is_set("listen"));
  EXPECT_FALSE(cli.is_set("verbose"));
}

TEST(CommandLine, AnOptionMayReadAWellKnownEnvironmentName) {
  CommandLine cli = make();
  cli.add("redis", "redis://127.0.0.1:6379/0", "where Redis is");
  cli.set_env("redis", "COQUEUE_REDIS_URL");
  ASSERT_FALSE(cli.parse(
      {}, env_of({{"COQUEUE_REDIS", "redis://a:1"}, {"COQUEUE_REDIS_URL", "redis://b:2"}})));
  EXPECT_EQ(cli.get("redis"), "redis://b:2");
  EXPECT_NE(cli.help_text().find("env COQUEUE_REDIS_URL"), std::string::npos);
}

TEST(CommandLine, EqualsFormAndSwitches) {
  CommandLine cli = make();
  ASSERT_FALSE(cli.parse({"--listen=[::1]:9", "--verbose"}, env_of({})));
  EXPECT_EQ(cli.get("listen"), "[::1]:9");
  EXPECT_EQ(cli.get("verbose"), "true");
}

TEST(CommandLine, ErrorsNameTheProblem) {
  CommandLine a = make();
  EXPECT_NE(a.parse({"--wrokers", "3"}, env_of({}))->find("--wrokers"), std::string::npos);
  CommandLine b = make();
  EXPECT_NE(b.parse({"--workers"}, env_of({}))->find("needs a value"), std::string::npos);
  CommandLine c = make();
  EXPECT_TRUE(c.parse({"stray"}, env_of({})));
}

TEST(CommandLine, HelpListsOptionsAndEnvironment) {
  CommandLine cli = make();
  ASSERT_FALSE(cli.parse({"--help"}, env_of({})));
  EXPECT_TRUE(cli.help_requested());
  const std::string help = cli.help_text();
  EXPECT_NE(help.find("--workers"), std::string::npos);
  EXPECT_NE(help.find("COQUEUE_WORKERS"), std::string::npos);
  EXPECT_NE(help.find("default: 4"), std::string::npos);
}

}  // namespace
}  // namespace coqueue
