// coqueue-loadtest as a user runs it: a short capacity run that starts its own deployment
// (redis-server, a server, workers), writes the three reports, and stops every process it
// started. The report's numbers are checked against each other and against the backend's own
// count of completed jobs.

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/support/child_process.hpp"
#include "tests/support/server_process.hpp"

namespace coqueue::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct TempDir {
  TempDir() {
    char path[] = "/tmp/coqueue-capacity-XXXXXX";
    dir = ::mkdtemp(path);
  }
  ~TempDir() { fs::remove_all(dir); }
  fs::path dir;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The one report folder a run wrote under `out`.
fs::path report_dir(const fs::path& out) {
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.is_directory()) return entry.path();
  }
  return {};
}

int run_loadtest(std::vector<std::string> args, std::string* output) {
  ChildProcess p(COQUEUE_LOADTEST_BIN, std::move(args));
  const auto code = p.wait_exit(120s);
  *output = p.output();
  return code.value_or(-1);
}

double number(const boost::json::value& v) {
  return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64());
}

TEST(CapacityRun, ASpawnedSweepWritesConsistentReportsAndStopsEveryProcess) {
  TempDir out;
  std::string output;
  const int code = run_loadtest({"--spawn",
                                 "--server-bin",
                                 COQUEUE_SERVER_BIN,
                                 "--worker-bin",
                                 COQUEUE_WORKER_BIN,
                                 "--clients",
                                 "2,6",
                                 "--workers",
                                 "1,2",
                                 "--worker-concurrency",
                                 "4",
                                 "--duration",
                                 "1s",
                                 "--warmup",
                                 "300ms",
                                 "--job",
                                 "echo=3,sleep:5=1",
                                 "--rate",
                                 "200",
                                 "--connections",
                                 "16",
                                 "--quiet",
                                 "--out",
                                 out.dir.string()},
                                &output);
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("Recommendations"), std::string::npos) << output;

  const fs::path dir = report_dir(out.dir);
  ASSERT_FALSE(dir.empty());
  for (const char* name : {"report.json", "report.md", "report.html"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  const boost::json::object report = boost::json::parse(read_file(dir / "report.json")).as_object();
  EXPECT_EQ(report.at("schema_version").as_int64(), 1);
  EXPECT_EQ(report.at("machine").at("cores").as_int64(), std::thread::hardware_concurrency());

  // Two worker counts times (two client counts and the open-loop step), and the re-run that
  // checks the model.
  const auto& steps = report.at("steps").as_array();
  ASSERT_EQ(steps.size(), 7u) << output;
  std::vector<int> pids;
  for (const auto& value : steps) {
    const auto& step = value.as_object();
    SCOPED_TRACE(boost::json::serialize(step.at("clients")) + " clients, " +
                 boost::json::serialize(step.at("workers")) + " workers");
    const auto completed = step.at("completed").as_int64();
    EXPECT_GT(completed, 0);
    EXPECT_TRUE(step.at("errors").as_object().empty()) << boost::json::serialize(step.at("errors"));
    // What the clients saw completed over the step is what the backend counted: nothing lost,
    // nothing counted twice.
    EXPECT_EQ(step.at("completed_total").as_int64(), step.at("server_completed").as_int64());
    EXPECT_GE(step.at("completed_total").as_int64(), completed);
    EXPECT_NEAR(number(step.at("jobs_per_s")), completed / number(step.at("seconds")), 1.0);
    const auto& latency = step.at("latency_ms").as_object();
    EXPECT_LE(number(latency.at("p50")), number(latency.at("p99")));
    EXPECT_LE(number(latency.at("p99")), number(latency.at("max")));
    if (step.at("mode").as_string() == "closed") {
      EXPECT_EQ(latency.at("count").as_int64(), completed);  // the jobs that ended in the window
    }
    // Every process was sampled, and the server and Redis did work.
    const auto& cpu = step.at("cpu_percent").as_object();
    for (const char* role : {"server", "worker", "redis", "loadgen"}) {
      ASSERT_TRUE(cpu.contains(role)) << role;
    }
    EXPECT_GT(number(cpu.at("server")), 0.0);
    EXPECT_GT(number(step.at("rss_mb").at("redis")), 0.0);
    for (const auto& p : step.at("processes").as_array()) {
      // % of one core and % of the whole machine, for every process.
      EXPECT_NEAR(number(p.at("cpu_percent_of_machine")),
                  number(p.at("cpu_percent")) / std::thread::hardware_concurrency(), 0.01);
      if (p.at("role").as_string() != "loadgen")
        pids.push_back(static_cast<int>(p.at("pid").as_int64()));
    }
  }
  EXPECT_EQ(steps[0].at("workers").as_int64(), 1);
  EXPECT_EQ(steps[3].at("workers").as_int64(), 2);
  // The open loop submits at the rate asked, whatever the answers, and keeps up with it here.
  for (const std::size_t i : {2u, 5u}) {
    EXPECT_EQ(steps[i].at("mode").as_string(), "open");
    EXPECT_NEAR(number(steps[i].at("submitted_per_s")), 200.0, 20.0);
    EXPECT_NEAR(number(steps[i].at("jobs_per_s")), 200.0, 20.0);
  }

  const auto& recommendations = report.at("recommendations").as_array();
  ASSERT_GE(recommendations.size(), 2u);
  int validations = 0;
  for (const auto& r : recommendations) {
    EXPECT_TRUE(r.at("meets_goal").as_bool()) << boost::json::serialize(r);
    if (!r.at("validation").is_null()) ++validations;
  }
  EXPECT_EQ(validations, 1);

  // Nothing the run started is left: every PID of the deployment is gone.
  for (const int pid : pids) EXPECT_NE(::kill(pid, 0), 0) << "pid " << pid << " still runs";
}

TEST(CapacityRun, CtrlCStopsTheRunAndEveryProcessAndStillWritesTheReport) {
  TempDir out;
  ChildProcess run(COQUEUE_LOADTEST_BIN,
                   {"--spawn", "--server-bin", COQUEUE_SERVER_BIN, "--worker-bin",
                    COQUEUE_WORKER_BIN, "--clients", "2,4", "--workers", "1,2", "--duration", "2s",
                    "--warmup", "0s", "--out", out.dir.string()});
  ASSERT_TRUE(run.wait_for_line("step 1/", 60s)) << run.output();
  run.signal(SIGINT);
  EXPECT_EQ(run.wait_exit(60s), 130) << run.output();
  const fs::path dir = report_dir(out.dir);
  const boost::json::object report = boost::json::parse(read_file(dir / "report.json")).as_object();
  const auto& steps = report.at("steps").as_array();
  ASSERT_GE(steps.size(), 1u);
  EXPECT_LT(steps.size(), 4u);
  EXPECT_NE(read_file(dir / "report.md").find("interrupted"), std::string::npos);
  for (const auto& step : steps) {
    for (const auto& p : step.at("processes").as_array()) {
      if (p.at("role").as_string() == "loadgen") continue;
      const auto pid = static_cast<pid_t>(p.at("pid").as_int64());
      EXPECT_NE(::kill(pid, 0), 0) << "pid " << pid << " still runs";
    }
  }
}

TEST(CapacityRun, DrivesADeploymentGivenByUrl) {
  ServerProcess server({"--workers", "4"});
  TempDir out;
  std::string output;
  const int code =
      run_loadtest({"--target", "http://127.0.0.1:" + std::to_string(server.port()), "--clients",
                    "3", "--duration", "500ms", "--warmup", "0s", "--no-validate", "--quiet",
                    "--format", "kv", "--out", out.dir.string()},
                   &output);
  ASSERT_EQ(code, 0) << output;
  EXPECT_NE(output.find("mode=closed clients=3"), std::string::npos) << output;
  EXPECT_NE(output.find("errors=0"), std::string::npos) << output;
  const boost::json::object report =
      boost::json::parse(read_file(report_dir(out.dir) / "report.json")).as_object();
  EXPECT_EQ(report.at("plan").at("target").as_string(),
            "http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_GT(report.at("steps").at(0).at("completed").as_int64(), 0);
}

TEST(CapacityRun, RefusesBadPlansWithAReason) {
  std::string output;
  EXPECT_EQ(run_loadtest({"--spawn", "--target", "http://127.0.0.1:1"}, &output), 2);
  EXPECT_NE(output.find("exactly one of --spawn and --target"), std::string::npos) << output;
  EXPECT_EQ(run_loadtest({"--target", "http://10.1.2.3:80"}, &output), 2);
  EXPECT_NE(output.find("loopback"), std::string::npos) << output;
  EXPECT_EQ(run_loadtest({"--spawn", "--job", "cpu:x"}, &output), 2);
  EXPECT_NE(output.find("--job"), std::string::npos) << output;
  EXPECT_EQ(run_loadtest({"--spawn", "--clients", "0"}, &output), 2);
  EXPECT_NE(output.find("--clients"), std::string::npos) << output;
}

}  // namespace
}  // namespace coqueue::test
