#pragma once
// One load-test client's HTTP connection (keep-alive, reconnected after an error): submits a
// job with POST /jobs and waits for its end, either server-side (long poll with ?wait_ms=, or
// in the submission itself) or by polling GET /jobs/<id> for stacks that cannot wait. Speaks to
// coqueue and to the peer stacks alike: any 2xx answer with an "id" is a submission, "completed" or
// "SUCCESS" a success.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue::loadtest {

struct WaitMode {
  bool long_poll = true;
  std::chrono::milliseconds poll_interval{0};  // when not long_poll
  // The submission itself waits (POST /jobs?wait_ms=): one request per job when the job ends
  // within the wait, else a long poll after it.
  bool in_submit = false;

  // "long-poll", "submit-wait" or "poll:<ms>".
  static std::variant<WaitMode, std::string> parse(const std::string& text);
  std::string describe() const;
};

struct Target {
  std::string host;  // for the Host header
  asio::ip::tcp::endpoint endpoint;

  // "http://host:port" with a loopback address; a reason when not.
  static std::variant<Target, std::string> parse(const std::string& url);
};

struct JobOutcome {
  std::string error;  // empty on success, else its kind: "http_503", "timeout", "connection", ...
  std::chrono::steady_clock::time_point submitted;  // when POST /jobs was answered
  std::chrono::steady_clock::time_point finished;   // when the job's end was seen
  bool was_submitted = false;
};

class JobClient {
 public:
  JobClient(asio::any_io_executor ex, Target target, WaitMode wait,
            std::chrono::milliseconds job_timeout);
  ~JobClient();

  // Submits `body` and waits for the job to end. Never throws for an expected failure.
  awaitable<JobOutcome> run(std::string body);
  // GETs `path` and parses the JSON answer; nothing on any failure.
  awaitable<std::optional<boost::json::value>> get_json(std::string path);
  // Breaks off what is in progress (the current request fails with "connection").
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coqueue::loadtest
