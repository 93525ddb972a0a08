// Every executable starts, answers --help, and refuses bad flags with a message.

#include <gtest/gtest.h>

#include "core/support/child_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

int exit_code_of(const char* binary, std::vector<std::string> args, std::string* output = nullptr) {
  ChildProcess p(binary, std::move(args));
  const auto code = p.wait_exit(30s);
  if (output) *output = p.output();
  return code.value_or(-1);
}

TEST(Executables, HelpWorksEverywhere) {
  for (const char* binary : {COQUEUE_SERVER_BIN, COQUEUE_WORKER_BIN, COQUEUE_LOADTEST_BIN}) {
    std::string out;
    EXPECT_EQ(exit_code_of(binary, {"--help"}, &out), 0) << binary;
    EXPECT_NE(out.find("Usage:"), std::string::npos) << out;
  }
}

TEST(Executables, BadFlagsExitTwoWithAReason) {
  std::string out;
  EXPECT_EQ(exit_code_of(COQUEUE_SERVER_BIN, {"--no-such-flag"}, &out), 2);
  EXPECT_NE(out.find("--no-such-flag"), std::string::npos) << out;
  EXPECT_EQ(exit_code_of(COQUEUE_SERVER_BIN, {"--workers", "many"}, &out), 2);
  EXPECT_NE(out.find("--workers"), std::string::npos) << out;
  EXPECT_EQ(exit_code_of(COQUEUE_SERVER_BIN, {"--listen", "nowhere"}, &out), 2);
}

TEST(Executables, ServerReportsATakenPort) {
  ChildProcess first(COQUEUE_SERVER_BIN, {"--listen", "127.0.0.1:0", "--log-format", "json"});
  const auto line = first.wait_for_line("server.listening", 20s);
  ASSERT_TRUE(line);
  const auto at = line->find("\"port\":");
  const std::string port = line->substr(at + 7, line->find_first_of(",}", at) - at - 7);
  std::string out;
  EXPECT_EQ(exit_code_of(COQUEUE_SERVER_BIN, {"--listen", "127.0.0.1:" + port}, &out), 1);
  EXPECT_NE(out.find("server.start_failed"), std::string::npos) << out;
}

TEST(Executables, WorkerListsTheBuiltInTypes) {
  std::string out;
  EXPECT_EQ(exit_code_of(COQUEUE_WORKER_BIN, {"--list-types"}, &out), 0);
  for (const char* type : {"echo", "sleep", "cpu", "fail"}) {
    EXPECT_NE(out.find(type), std::string::npos) << out;
  }
}

}  // namespace
}  // namespace coqueue::test
