#pragma once
// Checks of what happened to jobs in tests with real processes: the workers' logs (each run's
// job.start and job.finish, JSON at debug) held against the job records a server gives.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/support/child_process.hpp"
#include "tests/support/http_client.hpp"

namespace coqueue::test {

template <class Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// job id -> the runs the workers started of it.
std::map<std::string, int> starts_by_job(const std::vector<const ChildProcess*>& workers);

// job id -> the runs whose completion Redis recorded (job.finish with outcome "completed").
std::map<std::string, int> completions_by_job(const std::vector<const ChildProcess*>& workers);

// The jobs of which this worker finished a run, whatever its outcome.
std::set<std::string> finished_ids(const ChildProcess& worker);

// Every job of `ids` completes, within `each` per job; the first that does not fails the test
// and ends the look. Returns how many jobs there are.
std::size_t expect_all_complete(HttpClient& client,
                                const std::vector<std::vector<std::string>>& ids,
                                std::chrono::milliseconds each = std::chrono::seconds(30));

}  // namespace coqueue::test
