#include "core/queue/job_listing.hpp"

#include <algorithm>

namespace coqueue {

bool JobFilter::matches(const Job& job) const {
  return (!queue || job.queue == *queue) && (!status || job.status == *status) &&
         (!type || job.type == *type);
}

JobPage merge_queue_pages(std::vector<QueuePage> pages, std::size_t limit) {
  // The highest point down to which every queue has been read: below it, a queue that stopped
  // early may still hold newer matches than another queue's.
  std::optional<std::string> complete_above;
  std::vector<Job> all;
  for (QueuePage& page : pages) {
    if (page.examined_down_to && (!complete_above || *page.examined_down_to > *complete_above)) {
      complete_above = page.examined_down_to;
    }
    for (Job& job : page.matches) all.push_back(std::move(job));
  }
  std::sort(all.begin(), all.end(), [](const Job& a, const Job& b) { return a.id > b.id; });

  JobPage out;
  for (Job& job : all) {
    if (complete_above && job.id < *complete_above) break;
    if (out.jobs.size() == limit) {
      out.next_cursor = out.jobs.back().id;
      return out;
    }
    out.jobs.push_back(std::move(job));
  }
  out.next_cursor = std::move(complete_above);
  return out;
}

}  // namespace coqueue
