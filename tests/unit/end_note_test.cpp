#include "core/queue/end_note.hpp"

#include <gtest/gtest.h>

namespace coqueue {
namespace {

Job running_job() {
  Job job;
  job.id = "01a20855-03e5-72de-a8f8-c138493964c1";
  job.queue = "default";
  job.type = "echo";
  job.payload = {{"n", 1}};
  job.status = JobStatus::processing;
  job.attempts = 1;
  job.error = "an earlier run's";
  job.progress = boost::json::value(0.5);
  job.cancel_requested = true;
  return job;
}

TEST(EndNote, FinishesTheKnownJobWithTheRunsFields) {
  const std::optional<Job> job =
      finished_job(running_job(), R"(2 1700000000123 1700000000456 host-1:42 {"a": [1, "x y"]})");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, JobStatus::completed);
  EXPECT_EQ(job->attempts, 2);
  EXPECT_EQ(unix_millis(*job->started_at), 1700000000123);
  EXPECT_EQ(unix_millis(*job->finished_at), 1700000000456);
  EXPECT_EQ(job->worker, "host-1:42");
  EXPECT_EQ(job->result, (boost::json::object{{"a", {1, "x y"}}}));
  EXPECT_EQ(job->payload, (boost::json::object{{"n", 1}}));  // the known fields stay
  // A note is only sent when the hash holds none of these.
  EXPECT_FALSE(job->error);
  EXPECT_FALSE(job->progress);
  EXPECT_FALSE(job->cancel_requested);
}

TEST(EndNote, ANoteThatDoesNotReadMakesNothing) {
  for (const char* note :
       {"", "2", "2 1 2", "2 1 2 w1", "x 1 2 w1 1", "2 1 2 w1 {", "2 1 2  1", "2 1.5 2 w1 1"}) {
    EXPECT_FALSE(finished_job(running_job(), note)) << note;
  }
}

}  // namespace
}  // namespace coqueue
