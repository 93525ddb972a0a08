#pragma once
// The job record: what every backend stores and every route returns.

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/job/job_status.hpp"
#include "core/support/time.hpp"

namespace coqueue {

struct Job {
  std::string id;
  std::string queue;
  std::string type;
  boost::json::value payload;
  JobStatus status = JobStatus::queued;
  int attempts = 0;  // runs started so far
  int max_attempts = 3;
  std::optional<std::int64_t> timeout_ms;
  std::optional<std::string> idempotency_key;
  SystemTime created_at{};
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> finished_at;
  std::optional<SystemTime> run_at;  // while scheduled: when it becomes due
  std::optional<boost::json::value> result;
  std::optional<boost::json::value> progress;  // what the handler last reported, if anything
  std::optional<std::string> error;            // the last failed run's error
  std::optional<std::string> worker;           // the worker that ran it last
  bool cancel_requested = false;
  // Not in the record clients see: set on a run that follows a lost one (its worker died or
  // stalled), to when that run last showed it was alive. started_at minus this is how long the
  // job waited from the loss to running again.
  std::optional<SystemTime> lost_at;
  // Not in the record either: a request waited for it from its submission (JobSpec::awaited).
  bool awaited = false;
};

// Every field is present; the ones that do not apply yet are null, so clients see one shape.
boost::json::object to_json(const Job& job);
// The same record as JSON text, byte for byte what serializing to_json(job) gives, written
// straight into the string: a response holding one job skips building and hashing an object.
std::string to_json_text(const Job& job);

}  // namespace coqueue
