#include "core/job/job_status.hpp"

namespace coqueue {

std::string_view to_string(JobStatus status) {
  switch (status) {
    case JobStatus::queued: return "queued";
    case JobStatus::scheduled: return "scheduled";
    case JobStatus::processing: return "processing";
    case JobStatus::completed: return "completed";
    case JobStatus::failed: return "failed";
    case JobStatus::cancelled: return "cancelled";
  }
  return "queued";
}

std::optional<JobStatus> parse_job_status(std::string_view text) {
  for (const JobStatus s : all_job_statuses) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace coqueue
