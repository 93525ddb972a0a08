// SIGTERM: the server stops accepting, finishes the requests and jobs in flight, and exits 0.

#include <csignal>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"

namespace coqueue::test {
namespace {

using namespace std::chrono_literals;

TEST(Shutdown, SigtermLosesNoJobInFlightOrQueued) {
  ServerProcess server({"--workers", "2", "--grace", "20s"});
  HttpClient client(server.port());
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(client.submit(R"({"type": "sleep", "payload": {"ms": 300}})"));
  }
  // Clients already waiting for each job when the signal comes.
  std::vector<std::string> statuses(ids.size());
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    clients.push_back(std::make_unique<HttpClient>(server.port()));  // connected before the signal
  }
  std::latch asking(static_cast<std::ptrdiff_t>(ids.size()));
  std::vector<std::thread> waiters;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    waiters.emplace_back([&, i] {
      asking.count_down();
      const auto job = clients[i]->get("/jobs/" + ids[i] + "?wait_ms=20000").json();
      statuses[i] = std::string(job.at("status").as_string());
    });
  }
  asking.wait();
  std::this_thread::sleep_for(100ms);  // the waits are in; two jobs run, four wait in the queue
  server.process().signal(SIGTERM);
  for (auto& t : waiters) t.join();
  EXPECT_EQ(server.process().wait_exit(20s), 0);
  for (const std::string& s : statuses) EXPECT_EQ(s, "completed");
  EXPECT_EQ(server.count_events("job.finish"), ids.size());
  EXPECT_EQ(server.count_events("job.start"), ids.size());
  EXPECT_NE(server.process().output().find("\"jobs_left_unfinished\":0"), std::string::npos);
}

TEST(Shutdown, NoNewConnectionsOnceStopping) {
  ServerProcess server({"--workers", "1", "--grace", "5s"});
  HttpClient client(server.port());
  const std::string id = client.submit(R"({"type": "sleep", "payload": {"ms": 500}})");
  std::this_thread::sleep_for(50ms);
  server.process().signal(SIGTERM);
  ASSERT_TRUE(server.process().wait_for_line("server.stopping", 5s));
  EXPECT_THROW(HttpClient(server.port()).get("/healthz"), std::exception);
  EXPECT_EQ(server.process().wait_exit(10s), 0);
  EXPECT_EQ(server.count_events("job.finish"), 1u);
  (void)id;
}

TEST(Shutdown, ARunPastTheGraceIsStoppedAndTheServerStillExitsZero) {
  ServerProcess server({"--workers", "1", "--grace", "200ms"});
  HttpClient client(server.port());
  client.submit(R"({"type": "sleep", "payload": {"ms": 60000}})");
  std::this_thread::sleep_for(50ms);
  const auto start = std::chrono::steady_clock::now();
  server.process().signal(SIGTERM);
  EXPECT_EQ(server.process().wait_exit(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_NE(server.process().output().find("\"outcome\":\"handed_back\""), std::string::npos);
}

}  // namespace
}  // namespace coqueue::test
