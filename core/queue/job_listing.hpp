#pragma once
// The job browser's query (GET /jobs): jobs filtered by queue, status and type, newest first, a
// page at a time. Ids are UUIDv7, so "newest first" is descending id order and a page ends at
// an id: the next page starts below it. Pure: no I/O.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/job/job.hpp"
#include "core/job/job_status.hpp"

namespace coqueue {

// Unset fields match every job.
struct JobFilter {
  std::optional<std::string> queue;
  std::optional<JobStatus> status;
  std::optional<std::string> type;

  bool matches(const Job& job) const;
};

struct JobPage {
  std::vector<Job> jobs;                   // newest first
  std::optional<std::string> next_cursor;  // below this id lies the next page; none: the end
};

inline constexpr std::size_t max_list_limit = 500;
// A filtered page reads at most this many jobs per queue, so a rare status costs a bounded
// amount of work per request; the page may then hold fewer than `limit` and still go on.
inline constexpr std::size_t list_examine_limit = 1000;

// What one queue answered: its matches below the cursor, newest first, and how far down it
// looked (its last id examined; none when it reached its oldest job).
struct QueuePage {
  std::vector<Job> matches;
  std::optional<std::string> examined_down_to;
};

// Merges the queues' pages into one: only ids above every queue's examined_down_to are known to
// be complete, so the page stops there (or at `limit` jobs), and its cursor says where.
JobPage merge_queue_pages(std::vector<QueuePage> pages, std::size_t limit);

}  // namespace coqueue
