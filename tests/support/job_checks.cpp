#include "tests/support/job_checks.hpp"

#include <gtest/gtest.h>
#include <boost/json/value_to.hpp>

namespace coqueue::test {
namespace {

std::string job_id_of(const boost::json::object& event) {
  return boost::json::value_to<std::string>(event.at("job_id"));
}

}  // namespace

std::map<std::string, int> starts_by_job(const std::vector<const ChildProcess*>& workers) {
  std::map<std::string, int> starts;
  for (const ChildProcess* w : workers) {
    for (const auto& e : w->events("job.start")) ++starts[job_id_of(e)];
  }
  return starts;
}

std::map<std::string, int> completions_by_job(const std::vector<const ChildProcess*>& workers) {
  std::map<std::string, int> completions;
  for (const ChildProcess* w : workers) {
    for (const auto& e : w->events("job.finish")) {
      if (e.at("outcome") == "completed") ++completions[job_id_of(e)];
    }
  }
  return completions;
}

std::set<std::string> finished_ids(const ChildProcess& worker) {
  std::set<std::string> ids;
  for (const auto& e : worker.events("job.finish")) ids.insert(job_id_of(e));
  return ids;
}

std::size_t expect_all_complete(HttpClient& client,
                                const std::vector<std::vector<std::string>>& ids,
                                std::chrono::milliseconds each) {
  std::size_t total = 0;
  for (const auto& list : ids) {
    total += list.size();
    for (const std::string& id : list) {
      HttpReply r;
      const bool completed = wait_until(
          [&] {
            r = client.get("/jobs/" + id + "?wait_ms=1000");
            return r.status == 200 && r.json().at("status") == "completed";
          },
          each);
      if (!completed) {
        ADD_FAILURE() << id << " never completed: " << r.status << " " << r.body;
        return total;
      }
    }
  }
  return total;
}

}  // namespace coqueue::test
