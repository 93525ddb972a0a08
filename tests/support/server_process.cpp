#include "tests/support/server_process.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/json/parse.hpp>

namespace coqueue::test {
namespace {

std::vector<std::string> server_args(std::vector<std::string> extra) {
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--log-format",
                                "json",     "--log-level", "debug"};
  // The embedded backend unless a test asks for another: a redis-server that happens to run on
  // the machine's default port must not change what a test sees.
  if (std::find(extra.begin(), extra.end(), "--backend") == extra.end()) {
    args.insert(args.end(), {"--backend", "memory"});
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : process_(COQUEUE_SERVER_BIN, server_args(std::move(extra_args))) {
  const auto line = process_.wait_for_line("\"server.listening\"", std::chrono::seconds(20));
  if (!line) throw std::runtime_error("coqueue-server did not start:\n" + process_.output());
  port_ = static_cast<unsigned short>(boost::json::parse(*line).at("port").as_int64());
}

}  // namespace coqueue::test
