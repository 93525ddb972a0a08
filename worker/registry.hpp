#pragma once
// The job types a process can run, by name. This is coqueue's handler API: register a coroutine
// under a type name, with an optional check of the payload that runs when the job is submitted.
//
//   registry.add({.name = "thumbnail",
//                 .run = [](JobContext& ctx) -> awaitable<boost::json::value> { ... },
//                 .check_payload = [](const boost::json::value& p) -> std::optional<std::string> {
//                   if (!p.is_object()) return "payload must be an object";
//                   return std::nullopt;
//                 }});
//
// A handler returns the job's result; it fails the run by throwing (the exception's what() is
// the job's error). The JobContext outlives the handler's coroutine.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/support/awaitable.hpp"
#include "worker/job_context.hpp"

namespace coqueue::worker {

using Handler = std::function<awaitable<boost::json::value>(JobContext&)>;
// Returns why the payload is refused, or nothing when it is fine.
using PayloadCheck = std::function<std::optional<std::string>(const boost::json::value&)>;

struct JobType {
  std::string name;
  Handler run;
  PayloadCheck check_payload;  // may be empty: any payload
  std::string summary;         // one line for --help and listings
};

class Registry {
 public:
  // Throws std::invalid_argument for a bad or duplicate name or a missing handler.
  void add(JobType type);
  const JobType* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, JobType, std::less<>> types_;
};

}  // namespace coqueue::worker
