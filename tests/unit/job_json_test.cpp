#include <cstdio>
#include <ctime>
#include <random>

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "core/job/job.hpp"
#include "core/support/time.hpp"

namespace coqueue {
namespace {

TEST(Rfc3339, UtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(0)}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(1'795'392'937'123)}),
            "2026-11-23T00:15:37.123Z");
  EXPECT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(951'782'400'000)}),
            "2000-02-29T00:00:00.000Z");  // a leap day
  EXPECT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(-1)}),
            "1969-12-31T23:59:59.999Z");  // before 1970, the fraction still counts forward
}

TEST(Rfc3339, AgreesWithGmtimeOverThreeCenturies) {
  std::mt19937_64 rng(7);
  // 1900-01-01 to 2200-01-01 in milliseconds (system_clock counts nanoseconds: about 1678-2262)
  std::uniform_int_distribution<std::int64_t> any_ms(-2'208'988'800'000, 7'258'118'400'000);
  for (int i = 0; i < 20'000; ++i) {
    const std::int64_t ms = any_ms(rng);
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char expected[96];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000));
    ASSERT_EQ(format_rfc3339(SystemTime{std::chrono::milliseconds(ms)}), expected) << ms;
  }
}

TEST(JobJson, EveryFieldPresentNullWhenNotApplicable) {
  Job job;
  job.id = "01a20402-5c32-7167-a3ee-39d8ffc0e858";
  job.queue = "default";
  job.type = "echo";
  job.payload = {{"a", 1}};
  job.created_at = SystemTime{std::chrono::milliseconds(1000)};
  const boost::json::object o = to_json(job);
  for (const char* field :
       {"id", "queue", "type", "status", "payload", "attempts", "max_attempts", "timeout_ms",
        "idempotency_key", "created_at", "started_at", "finished_at", "scheduled_for", "result",
        "error", "worker", "cancel_requested"}) {
    EXPECT_TRUE(o.contains(field)) << field;
  }
  EXPECT_EQ(o.at("status"), "queued");
  EXPECT_EQ(o.at("created_at"), "1970-01-01T00:00:01.000Z");
  EXPECT_TRUE(o.at("started_at").is_null());
  EXPECT_TRUE(o.at("result").is_null());
  EXPECT_TRUE(o.at("error").is_null());
  EXPECT_EQ(o.at("max_attempts"), 3);
}

TEST(JobJson, FinishedJobCarriesResultAndTimes) {
  Job job;
  job.status = JobStatus::completed;
  job.attempts = 2;
  job.result = boost::json::value{{"ok", true}};
  job.error = "failing attempt 1";
  job.worker = "w-1";
  job.started_at = SystemTime{std::chrono::milliseconds(2000)};
  job.finished_at = SystemTime{std::chrono::milliseconds(2500)};
  const boost::json::object o = to_json(job);
  EXPECT_EQ(o.at("status"), "completed");
  EXPECT_EQ(o.at("attempts"), 2);
  EXPECT_EQ(boost::json::serialize(o.at("result")), R"({"ok":true})");
  EXPECT_EQ(o.at("finished_at"), "1970-01-01T00:00:02.500Z");
  EXPECT_EQ(o.at("worker"), "w-1");
}

// Text of `size` bytes drawn from every byte value, control characters, quotes and
// backslashes included.
std::string any_text(std::mt19937_64& rng, std::size_t size) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::string s;
  for (std::size_t i = 0; i < size; ++i) s += static_cast<char>(byte(rng));
  return s;
}

TEST(JobJson, TextIsWhatSerializingTheObjectGives) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> coin(0, 1);
  std::uniform_int_distribution<std::size_t> size(0, 24);
  std::uniform_int_distribution<std::int64_t> any_ms(-2'208'988'800'000, 7'258'118'400'000);
  const auto maybe_time = [&]() -> std::optional<SystemTime> {
    if (coin(rng) == 0) return std::nullopt;
    return SystemTime{std::chrono::milliseconds(any_ms(rng))};
  };
  const auto maybe_text = [&]() -> std::optional<std::string> {
    if (coin(rng) == 0) return std::nullopt;
    return coin(rng) == 0 ? "plain-text-01" : any_text(rng, size(rng));
  };
  const auto maybe_value = [&]() -> std::optional<boost::json::value> {
    if (coin(rng) == 0) return std::nullopt;
    return boost::json::value{{"n", any_ms(rng)}, {"s", any_text(rng, size(rng))}, {"x", 0.5}};
  };
  for (int i = 0; i < 2'000; ++i) {
    Job job;
    job.id = coin(rng) == 0 ? "01a20402-5c32-7167-a3ee-39d8ffc0e858" : any_text(rng, size(rng));
    job.queue = coin(rng) == 0 ? "default" : any_text(rng, size(rng));
    job.type = any_text(rng, size(rng));
    job.payload = boost::json::array{1, "two", nullptr, any_text(rng, size(rng))};
    job.status = all_job_statuses[static_cast<std::size_t>(i) % std::size(all_job_statuses)];
    job.attempts = static_cast<int>(any_ms(rng) % 1000);
    job.max_attempts = static_cast<int>(any_ms(rng) % 100);
    if (coin(rng) == 1) job.timeout_ms = any_ms(rng);
    job.idempotency_key = maybe_text();
    job.created_at = SystemTime{std::chrono::milliseconds(any_ms(rng))};
    job.started_at = maybe_time();
    job.finished_at = maybe_time();
    job.run_at = maybe_time();
    job.result = maybe_value();
    job.progress = maybe_value();
    job.error = maybe_text();
    job.worker = maybe_text();
    job.cancel_requested = coin(rng) == 1;
    ASSERT_EQ(to_json_text(job), boost::json::serialize(to_json(job))) << "job " << i;
  }
}

TEST(JobStatus, NamesRoundTripAndTerminalSet) {
  for (const JobStatus s : all_job_statuses) {
    EXPECT_EQ(parse_job_status(to_string(s)), s);
  }
  EXPECT_FALSE(parse_job_status("done"));
  EXPECT_FALSE(is_terminal(JobStatus::queued));
  EXPECT_FALSE(is_terminal(JobStatus::scheduled));
  EXPECT_FALSE(is_terminal(JobStatus::processing));
  EXPECT_TRUE(is_terminal(JobStatus::completed));
  EXPECT_TRUE(is_terminal(JobStatus::failed));
  EXPECT_TRUE(is_terminal(JobStatus::cancelled));
}

}  // namespace
}  // namespace coqueue
