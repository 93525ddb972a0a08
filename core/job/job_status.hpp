#pragma once
// The states of a job. `scheduled` covers both a delay before the first run and the wait
// before a retry; the last three are terminal.

#include <array>
#include <optional>
#include <string_view>

namespace coqueue {

enum class JobStatus { queued, scheduled, processing, completed, failed, cancelled };

inline constexpr std::array<JobStatus, 6> all_job_statuses{
    JobStatus::queued,    JobStatus::scheduled, JobStatus::processing,
    JobStatus::completed, JobStatus::failed,    JobStatus::cancelled};

std::string_view to_string(JobStatus status);
std::optional<JobStatus> parse_job_status(std::string_view text);

inline bool is_terminal(JobStatus status) {
  return status == JobStatus::completed || status == JobStatus::failed ||
         status == JobStatus::cancelled;
}

}  // namespace coqueue
