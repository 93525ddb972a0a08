#pragma once
// Periodic jobs as data: a schedule names a cron expression or a fixed interval and the job to
// submit at each tick. Any number of processes may fire schedules; each tick fires once because
// the firer claims it with a compare-and-set of the schedule's next tick (Broker::advance_schedule)
// and the job it submits carries an idempotency key made of the schedule's name and the tick.
// Pure: no I/O.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/job/job_spec.hpp"
#include "core/schedule/cron_expression.hpp"
#include "core/support/time.hpp"

namespace coqueue {

// What happens to ticks missed while nothing could fire them (every process down, or the
// backend away) for longer than the grace: skipped, or the last of them fired once.
enum class CatchUp { none, last };

struct ScheduleDefinition {
  std::string name;
  std::optional<std::string> cron;                // as given
  std::optional<CronExpression> cron_expression;  // the same, parsed once (next_tick uses it)
  std::optional<std::int64_t> every_ms;           // or a fixed interval
  std::string tz = "UTC";
  CatchUp catch_up = CatchUp::none;
  boost::json::value job;  // the body of POST /jobs to submit at each tick, as given
};

struct Schedule {
  ScheduleDefinition definition;
  bool paused = false;
  SystemTime created_at{};
  SystemTime updated_at{};  // when the definition last changed: the intervals count from it
  SystemTime next_at{};     // the next tick due; SystemTime::max(): none (a cron that ended)
  std::optional<SystemTime> last_fired_at;  // the tick last fired
  std::optional<std::string> last_job_id;   // and the job it submitted
};

inline constexpr std::int64_t min_every_ms = 1'000;
inline constexpr std::int64_t max_every_ms = 366LL * 24 * 3600 * 1000;
// A tick this late still fires; one later counts as missed (see CatchUp).
inline constexpr std::chrono::seconds tick_grace{5};

bool is_valid_schedule_name(std::string_view name);

// The body of PUT /schedules/<name> (also how schedules are stored), or why it is refused.
std::variant<ScheduleDefinition, std::string> parse_schedule_definition(
    std::string name, const boost::json::value& body, const JobSpecLimits& limits = {});
// Back to that body.
boost::json::object to_json(const ScheduleDefinition& definition);
// The record GET /schedules/<name> answers, with the next `upcoming` fire times.
boost::json::object to_json(const Schedule& schedule, std::size_t upcoming = 5);

// The first tick strictly after `after`; intervals count from `anchor`. Nothing when a cron
// expression never matches again.
std::optional<SystemTime> next_tick(const ScheduleDefinition& definition, SystemTime anchor,
                                    SystemTime after);

// What a process that found the schedule due at `now` does: submit a job for `fire` (if any),
// then move the schedule's next tick to `next_at`.
struct TickDecision {
  std::optional<SystemTime> fire;
  std::optional<SystemTime> next_at;
};
TickDecision decide_tick(const Schedule& schedule, SystemTime now);

// The idempotency key of the job a tick submits: the same for every process that fires it.
std::string tick_idempotency_key(std::string_view schedule, SystemTime tick);

}  // namespace coqueue
