#include "core/job/job_spec.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace coqueue {
namespace {

JobSpecResult parse(const char* text) {
  return parse_job_spec(boost::json::parse(text));
}

job_errc error_of(const char* text) {
  const JobSpecResult r = parse(text);
  EXPECT_TRUE(std::holds_alternative<JobSpecError>(r)) << text;
  return std::holds_alternative<JobSpecError>(r) ? std::get<JobSpecError>(r).code
                                                 : job_errc::not_an_object;
}

TEST(JobSpec, DefaultsForAMinimalJob) {
  const JobSpec spec = std::get<JobSpec>(parse(R"({"type": "echo"})"));
  EXPECT_EQ(spec.type, "echo");
  EXPECT_TRUE(spec.payload.is_null());
  EXPECT_EQ(spec.queue, "default");
  EXPECT_EQ(spec.max_attempts, 3);
  EXPECT_FALSE(spec.timeout_ms);
  EXPECT_EQ(spec.delay_ms, 0);
  EXPECT_FALSE(spec.idempotency_key);
}

TEST(JobSpec, EveryFieldRead) {
  const JobSpec spec = std::get<JobSpec>(parse(
      R"({"type": "cpu", "payload": {"ms": 5}, "queue": "heavy.v2-x_y", "max_attempts": 5,
          "timeout_ms": 1500, "delay_ms": 20, "idempotency_key": "order-42"})"));
  EXPECT_EQ(spec.type, "cpu");
  EXPECT_EQ(spec.payload.at("ms"), 5);
  EXPECT_EQ(spec.queue, "heavy.v2-x_y");
  EXPECT_EQ(spec.max_attempts, 5);
  EXPECT_EQ(spec.timeout_ms, 1500);
  EXPECT_EQ(spec.delay_ms, 20);
  EXPECT_EQ(spec.idempotency_key, "order-42");
}

TEST(JobSpec, IntegralDoublesAreIntegers) {
  const JobSpec spec = std::get<JobSpec>(parse(R"({"type": "echo", "max_attempts": 2.0})"));
  EXPECT_EQ(spec.max_attempts, 2);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_attempts": 2.5})"), job_errc::wrong_type);
}

TEST(JobSpec, RefusesWhatIsWrong) {
  EXPECT_EQ(error_of("[]"), job_errc::not_an_object);
  EXPECT_EQ(error_of("42"), job_errc::not_an_object);
  EXPECT_EQ(error_of("{}"), job_errc::missing_field);
  EXPECT_EQ(error_of(R"({"type": 7})"), job_errc::wrong_type);
  EXPECT_EQ(error_of(R"({"type": ""})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "a b"})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "queue": 1})"), job_errc::wrong_type);
  EXPECT_EQ(error_of(R"({"type": "echo", "queue": ""})"), job_errc::invalid_queue);
  EXPECT_EQ(error_of(R"({"type": "echo", "queue": "a/b"})"), job_errc::invalid_queue);
  EXPECT_EQ(error_of(R"({"type": "echo", "queue": "é"})"), job_errc::invalid_queue);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_attempts": 0})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_attempts": "3"})"), job_errc::wrong_type);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_attempts": 1e300})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_attempts": 18446744073709551615})"),
            job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "timeout_ms": 0})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "delay_ms": -1})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "idempotency_key": ""})"), job_errc::invalid_value);
  EXPECT_EQ(error_of(R"({"type": "echo", "idempotency_key": 5})"), job_errc::wrong_type);
  EXPECT_EQ(error_of(R"({"type": "echo", "max_atempts": 3})"), job_errc::unknown_field);
}

TEST(JobSpec, ErrorMessagesNameTheField) {
  const auto r = parse(R"({"type": "echo", "max_atempts": 3})");
  EXPECT_NE(std::get<JobSpecError>(r).message.find("max_atempts"), std::string::npos);
  const auto q = parse(R"({"type": "echo", "timeout_ms": -5})");
  EXPECT_NE(std::get<JobSpecError>(q).message.find("timeout_ms"), std::string::npos);
}

TEST(QueueName, Rules) {
  EXPECT_TRUE(is_valid_queue_name("default"));
  EXPECT_TRUE(is_valid_queue_name(std::string(64, 'q')));
  EXPECT_FALSE(is_valid_queue_name(std::string(65, 'q')));
  EXPECT_FALSE(is_valid_queue_name(""));
  EXPECT_FALSE(is_valid_queue_name("{tag}"));  // would break the Redis hash tag
  EXPECT_FALSE(is_valid_queue_name("with space"));
}

TEST(JobSpec, FingerprintIgnoresTheKeyOnly) {
  JobSpec a = std::get<JobSpec>(parse(R"({"type": "echo", "payload": {"x": 1, "y": 2}})"));
  JobSpec b = std::get<JobSpec>(
      parse(R"({"type": "echo", "payload": {"y": 2, "x": 1}, "idempotency_key": "k"})"));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());  // key order inside the payload does not matter
  b.max_attempts = 4;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

}  // namespace
}  // namespace coqueue
