#include "core/schedule/schedule.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace coqueue {
namespace {

using namespace std::chrono;

const SystemTime t0 = SystemTime{} + hours(24 * 365 * 56);  // some day in 2026

ScheduleDefinition definition(std::string_view body) {
  auto parsed = parse_schedule_definition("nightly", boost::json::parse(body));
  if (auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *error;
  return std::get<ScheduleDefinition>(parsed);
}

std::string refusal(std::string_view body, std::string name = "nightly") {
  auto parsed = parse_schedule_definition(std::move(name), boost::json::parse(body));
  const auto* error = std::get_if<std::string>(&parsed);
  return error != nullptr ? *error : "";
}

TEST(ScheduleDefinition, TakesACronOrAnIntervalAndAJob) {
  const ScheduleDefinition every = definition(R"({"every_ms": 10000, "job": {"type": "echo"}})");
  EXPECT_EQ(every.every_ms, 10000);
  EXPECT_EQ(every.catch_up, CatchUp::none);
  const ScheduleDefinition cron =
      definition(R"({"cron": "0 2 * * *", "tz": "UTC", "catch_up": "last",
                     "job": {"type": "echo", "queue": "reports", "payload": {"n": 1}}})");
  EXPECT_EQ(cron.cron, "0 2 * * *");
  EXPECT_EQ(cron.catch_up, CatchUp::last);
  // Round trip: what is stored reads back the same.
  const auto again = parse_schedule_definition("nightly", to_json(cron));
  ASSERT_TRUE(std::holds_alternative<ScheduleDefinition>(again));
  EXPECT_EQ(to_json(std::get<ScheduleDefinition>(again)), to_json(cron));
}

TEST(ScheduleDefinition, RefusalsNameTheProblem) {
  EXPECT_NE(refusal(R"({"job": {"type": "echo"}})").find("exactly one"), std::string::npos);
  EXPECT_NE(refusal(R"({"cron": "* * * * *", "every_ms": 1000, "job": {"type": "echo"}})")
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 999, "job": {"type": "echo"}})").find("every_ms"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"cron": "61 * * * *", "job": {"type": "echo"}})").find("minutes"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"cron": "0 0 30 2 *", "job": {"type": "echo"}})").find("never"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000})").find("job is missing"), std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000, "job": {"queue": "x"}})").find("job: "),
            std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000, "job": {"type": "echo", "idempotency_key": "k"}})")
                .find("idempotency_key"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000, "tz": "Europe/Paris", "job": {"type": "echo"}})")
                .find("only UTC"),
            std::string::npos);
  EXPECT_NE(
      refusal(R"({"every_ms": 1000, "catch_up": "all", "job": {"type": "echo"}})").find("catch_up"),
      std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000, "job": {"type": "echo"}, "x": 1})").find("unknown"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"every_ms": 1000, "job": {"type": "echo"}})", "no/slash").find("name"),
            std::string::npos);
}

TEST(NextTick, IntervalsCountFromTheAnchor) {
  const ScheduleDefinition d = definition(R"({"every_ms": 10000, "job": {"type": "echo"}})");
  EXPECT_EQ(next_tick(d, t0, t0), t0 + seconds(10));
  EXPECT_EQ(next_tick(d, t0, t0 + seconds(10)), t0 + seconds(20));
  EXPECT_EQ(next_tick(d, t0, t0 + milliseconds(19'999)), t0 + seconds(20));
  EXPECT_EQ(next_tick(d, t0, t0 - seconds(5)), t0 + seconds(10));
}

Schedule due(const ScheduleDefinition& d, SystemTime next_at) {
  Schedule s;
  s.definition = d;
  s.updated_at = t0;
  s.next_at = next_at;
  return s;
}

TEST(DecideTick, OnTimeOrLateWithinTheGraceFiresThatTickAndTheNextFollows) {
  const ScheduleDefinition d = definition(R"({"every_ms": 1000, "job": {"type": "echo"}})");
  const Schedule s = due(d, t0 + seconds(5));
  const TickDecision now = decide_tick(s, t0 + seconds(5) + milliseconds(80));
  EXPECT_EQ(now.fire, t0 + seconds(5));
  EXPECT_EQ(now.next_at, t0 + seconds(6));
  // 3 s late: still fired, and the ticks in between come next, one by one.
  const TickDecision late = decide_tick(s, t0 + seconds(8));
  EXPECT_EQ(late.fire, t0 + seconds(5));
  EXPECT_EQ(late.next_at, t0 + seconds(6));
}

TEST(DecideTick, MissedTicksAreSkippedOrTheLastOneFires) {
  const ScheduleDefinition none = definition(R"({"every_ms": 60000, "job": {"type": "echo"}})");
  const Schedule s = due(none, t0 + minutes(1));
  const TickDecision skipped = decide_tick(s, t0 + minutes(10) + seconds(30));
  EXPECT_FALSE(skipped.fire);
  EXPECT_EQ(skipped.next_at, t0 + minutes(11));

  const ScheduleDefinition last =
      definition(R"({"every_ms": 60000, "catch_up": "last", "job": {"type": "echo"}})");
  const TickDecision caught_up =
      decide_tick(due(last, t0 + minutes(1)), t0 + minutes(10) + seconds(30));
  EXPECT_EQ(caught_up.fire, t0 + minutes(10));
  EXPECT_EQ(caught_up.next_at, t0 + minutes(11));
}

TEST(TickIdempotencyKey, NamesTheScheduleAndTheTick) {
  EXPECT_EQ(tick_idempotency_key("nightly", SystemTime{} + milliseconds(1234)),
            "schedule:nightly:1234");
}

}  // namespace
}  // namespace coqueue
