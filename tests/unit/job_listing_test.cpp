#include "core/queue/job_listing.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

std::vector<Job> jobs(std::initializer_list<const char*> ids) {
  std::vector<Job> out;
  for (const char* id : ids) {
    Job job;
    job.id = std::string(id);
    out.push_back(std::move(job));
  }
  return out;
}

std::vector<std::string> ids(const JobPage& page) {
  std::vector<std::string> out;
  for (const Job& j : page.jobs) out.push_back(j.id);
  return out;
}

TEST(MergeQueuePages, NewestFirstAcrossQueuesUpToTheLimit) {
  std::vector<QueuePage> pages{{jobs({"9", "5", "1"}), std::nullopt},
                               {jobs({"8", "4"}), std::nullopt}};
  const JobPage page = merge_queue_pages(std::move(pages), 3);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"9", "8", "5"}));
  EXPECT_EQ(page.next_cursor, "5");
}

TEST(MergeQueuePages, AllSeenAndUnderTheLimitIsTheEnd) {
  const JobPage page =
      merge_queue_pages({{jobs({"3"}), std::nullopt}, {jobs({"2"}), std::nullopt}}, 5);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"3", "2"}));
  EXPECT_FALSE(page.next_cursor);
}

// A queue that stopped reading at "6" may hold matches below it that are newer than another
// queue's "4": the page stops at "6" and the next one starts there.
TEST(MergeQueuePages, StopsWhereTheQueueThatReadLeastStopped) {
  std::vector<QueuePage> pages{{jobs({"7"}), "6"}, {jobs({"9", "4", "2"}), std::nullopt}};
  const JobPage page = merge_queue_pages(std::move(pages), 10);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"9", "7"}));
  EXPECT_EQ(page.next_cursor, "6");
}

TEST(MergeQueuePages, AQueueThatReadFurtherDoesNotHoldThePageBack) {
  std::vector<QueuePage> pages{{{}, "2"}, {jobs({"5", "3"}), "1"}};
  const JobPage page = merge_queue_pages(std::move(pages), 10);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"5", "3"}));
  EXPECT_EQ(page.next_cursor, "2");
}

TEST(JobFilter, UnsetFieldsMatchEverything) {
  // Strings moved in, not assigned from literals: GCC 12 warns falsely (-Wrestrict) on those.
  Job job;
  job.id = std::string("1");
  job.queue = std::string("q");
  job.type = std::string("echo");
  job.status = JobStatus::failed;
  JobFilter f;
  EXPECT_TRUE(f.matches(job));
  f.queue = std::string("q");
  f.status = JobStatus::failed;
  f.type = std::string("echo");
  EXPECT_TRUE(f.matches(job));
  f.status = JobStatus::queued;
  EXPECT_FALSE(f.matches(job));
  f.status.reset();
  f.type = std::string("sleep");
  EXPECT_FALSE(f.matches(job));
}

}  // namespace
}  // namespace coqueue
