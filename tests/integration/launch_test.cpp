// coqueue-launch: one command brings up Redis, servers sharing one port and workers; jobs flow
// through them; Ctrl-C stops every process it started, by PID.

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>

#include "core/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

TEST(Launch, StartsADeploymentThatRunsJobsAndStopsItAllOnInterrupt) {
  ChildProcess launch(COQUEUE_LAUNCH_BIN, {"--servers", "2", "--workers", "2", "--server-bin",
                                           COQUEUE_SERVER_BIN, "--worker-bin", COQUEUE_WORKER_BIN});
  ASSERT_TRUE(launch.wait_for_line("ready:", 40s)) << launch.output();
  const std::string out = launch.output();

  std::vector<unsigned short> ports;
  const std::regex server_line(R"(server +http://127\.0\.0\.1:(\d+))");
  for (std::sregex_iterator it(out.begin(), out.end(), server_line), end; it != end; ++it) {
    ports.push_back(static_cast<unsigned short>(std::stoi((*it)[1])));
  }
  std::vector<pid_t> pids;
  const std::regex pid_line(R"(pid +(\d+) +(\S+))");
  for (std::sregex_iterator it(out.begin(), out.end(), pid_line), end; it != end; ++it) {
    pids.push_back(static_cast<pid_t>(std::stoi((*it)[1])));
  }
  ASSERT_EQ(ports.size(), 2u) << out;
  ASSERT_EQ(pids.size(), 5u) << out;  // redis, 2 servers, 2 workers

  // Submitted on one server, waited for on the other: both share the launched Redis.
  HttpClient a(ports[0]);
  HttpClient b(ports[1]);
  const std::string id = a.submit(R"({"type": "echo", "payload": {"n": 7}})");
  const HttpReply done = b.get("/jobs/" + id + "?wait_ms=10000");
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json().at("status").as_string(), "completed") << done.body;
  EXPECT_EQ(b.get("/workers").json().at("count").as_int64(), 2);

  launch.signal(SIGINT);
  EXPECT_EQ(launch.wait_exit(40s), 0) << launch.output();
  for (const pid_t pid : pids) EXPECT_NE(::kill(pid, 0), 0) << "pid " << pid << " still runs";

  // Stopped gracefully (SIGTERM handled), not killed after the grace period.
  std::smatch logs;
  ASSERT_TRUE(std::regex_search(out, logs, std::regex(R"(logs +(\S+))"))) << out;
  for (const std::string name : {"server-1", "server-2", "worker-1", "worker-2"}) {
    std::ifstream in(logs[1].str() + "/" + name + ".log");
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string stopped = name.starts_with("server") ? "server.stopped" : "worker.stopped";
    EXPECT_NE(log.find(stopped), std::string::npos) << name << ":\n" << log;
  }
  std::filesystem::remove_all(logs[1].str());
}

}  // namespace
}  // namespace coqueue::test
