#include "core/job/job_id.hpp"

#include <set>

#include <gtest/gtest.h>

namespace coqueue {
namespace {

TEST(JobId, IsCanonicalUuidV7) {
  JobIdGenerator ids;
  const std::string id = ids.next(std::chrono::system_clock::now(), "default");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_TRUE(is_job_id(id)) << id;
  EXPECT_EQ(id[14], '7');
}

TEST(JobId, EncodesTheMillisecondTimestamp) {
  JobIdGenerator ids;
  const SystemTime t{std::chrono::milliseconds(0x0123456789ab)};
  const std::string id = ids.next(t, "default");
  EXPECT_EQ(id.substr(0, 13), "01234567-89ab");
}

TEST(JobId, StrictlyIncreasingWithinOneMillisecond) {
  JobIdGenerator ids;
  const SystemTime t = std::chrono::system_clock::now();
  std::string last = ids.next(t, "default");
  std::set<std::string> seen{last};
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = ids.next(t, "default");  // same instant every time
    EXPECT_LT(last, id);
    EXPECT_TRUE(is_job_id(id)) << id;
    last = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10'001u);
}

TEST(JobId, NeverGoesBackWhenTheClockDoes) {
  JobIdGenerator ids;
  const SystemTime t = std::chrono::system_clock::now();
  const std::string later = ids.next(t, "default");
  const std::string earlier_clock = ids.next(t - std::chrono::seconds(5), "default");
  EXPECT_LT(later, earlier_clock);
}

TEST(JobId, CarriesItsQueuesTag) {
  JobIdGenerator ids;
  const SystemTime t = std::chrono::system_clock::now();
  for (const std::string queue : {"default", "critical", "emails", "q-1", ""}) {
    for (int i = 0; i < 100; ++i) {
      const std::string id = ids.next(t, queue);
      ASSERT_TRUE(is_job_id(id)) << id;
      EXPECT_EQ(queue_tag_of(id), queue_tag(queue)) << queue << " " << id;
    }
  }
}

TEST(JobId, QueueTagsAreStableAndSpread) {
  // Ids already handed out carry these: the function must never change.
  EXPECT_EQ(queue_tag("default"), 0x8f8);
  EXPECT_EQ(queue_tag("critical"), 0x699);
  std::set<std::uint16_t> tags;
  for (int i = 0; i < 64; ++i) {
    const std::uint16_t tag = queue_tag("queue-" + std::to_string(i));
    EXPECT_LE(tag, 0xfff);
    tags.insert(tag);
  }
  EXPECT_GE(tags.size(), 60u);  // 64 names in 4,096 tags: a collision or two at most
}

TEST(JobId, RejectsAnythingElse) {
  EXPECT_FALSE(is_job_id(""));
  EXPECT_FALSE(is_job_id("01a20402-5c32-7167-a3ee-39d8ffc0e85"));     // short
  EXPECT_FALSE(is_job_id("01A20402-5C32-7167-A3EE-39D8FFC0E858"));    // upper case
  EXPECT_FALSE(is_job_id("01a20402-5c32-4167-a3ee-39d8ffc0e858"));    // version 4
  EXPECT_FALSE(is_job_id("01a20402-5c32-7167-c3ee-39d8ffc0e858"));    // wrong variant
  EXPECT_FALSE(is_job_id("01a20402_5c32-7167-a3ee-39d8ffc0e858"));    // separator
  EXPECT_FALSE(is_job_id("../../../../etc/passwd-aaaaaaaaaaaaaaa"));  // a path trick
  EXPECT_TRUE(is_job_id("01a20402-5c32-7167-a3ee-39d8ffc0e858"));
}

}  // namespace
}  // namespace coqueue
