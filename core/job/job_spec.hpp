#pragma once
// What a client asks for when it submits a job (the body of POST /jobs), checked field by field.
// Type-specific payload checks belong to the handler registry, not here.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

#include "core/job/job_errc.hpp"

namespace coqueue {

struct JobSpec {
  std::string type;
  boost::json::value payload;  // null when absent
  std::string queue = "default";
  int max_attempts = 3;
  std::optional<std::int64_t> timeout_ms;
  std::int64_t delay_ms = 0;
  std::optional<std::string> idempotency_key;
  // Empty: the broker gives the job an id. A server that must know the id before the job exists
  // (to wait for its end without missing it) takes one from Broker::new_job_id(queue) first;
  // never read from a request.
  std::string id;
  // A request waits for this job's end: its completion is announced with a note on the run
  // (end_note.hpp), so the waiter need not read the job back. Never read from a request.
  bool awaited = false;

  // The fields that identify a submission for idempotency: everything but the key itself.
  boost::json::value fingerprint() const;
};

struct JobSpecLimits {
  int max_attempts = 100;
  std::int64_t max_timeout_ms = 24LL * 3600 * 1000;
  std::int64_t max_delay_ms = 365LL * 24 * 3600 * 1000;
  std::size_t max_type_length = 128;
  std::size_t max_idempotency_key_length = 256;
};

struct JobSpecError {
  job_errc code;
  std::string message;
};

using JobSpecResult = std::variant<JobSpec, JobSpecError>;

JobSpecResult parse_job_spec(const boost::json::value& body, const JobSpecLimits& limits = {});

// 1-64 characters of A-Za-z0-9_.-
bool is_valid_queue_name(std::string_view name);
// 1-max characters of A-Za-z0-9_.:-
bool is_valid_type_name(std::string_view name, std::size_t max_length);

}  // namespace coqueue
