#include "tests/support/worker_process.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <boost/json/value_to.hpp>

namespace coqueue::test {
namespace {

std::vector<std::string> worker_args(const std::string& redis_url, std::vector<std::string> extra) {
  std::vector<std::string> args{"--redis", redis_url,     "--log-format",
                                "json",    "--log-level", "debug"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

WorkerProcess::WorkerProcess(const std::string& redis_url, std::vector<std::string> extra_args,
                             std::string program)
    : process_(std::move(program), worker_args(redis_url, std::move(extra_args))) {
  const auto line = process_.wait_for_line("\"worker.started\"", std::chrono::seconds(20));
  if (!line) throw std::runtime_error("coqueue-worker did not start:\n" + process_.output());
  id_ = boost::json::value_to<std::string>(boost::json::parse(*line).at("id"));
}

}  // namespace coqueue::test
