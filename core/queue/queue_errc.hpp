#pragma once
// Why a broker refused an operation.

#include <string_view>
#include <system_error>

namespace coqueue {

enum class queue_errc {
  job_not_found = 1,     // no job has that id (or it has expired)
  job_finished,          // the job already reached a terminal status
  idempotency_conflict,  // the idempotency key is taken by a job with another body
  queue_full,            // the queue holds its cap of waiting (queued or scheduled) jobs
  closed,                // the broker is shutting down
};

const std::error_category& queue_category();
std::error_code make_error_code(queue_errc e);
std::string_view code_name(queue_errc e);

}  // namespace coqueue

template <>
struct std::is_error_code_enum<coqueue::queue_errc> : std::true_type {};
