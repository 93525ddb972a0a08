#include "core/schedule/schedule.hpp"

#include <boost/json/array.hpp>

#include "core/job/json_int.hpp"
#include "core/support/text_excerpt.hpp"

namespace coqueue {
namespace {

using std::chrono::milliseconds;

}  // namespace

bool is_valid_schedule_name(std::string_view name) {
  return is_valid_queue_name(name);  // the same alphabet: it becomes part of a key
}

std::variant<ScheduleDefinition, std::string> parse_schedule_definition(
    std::string name, const boost::json::value& body, const JobSpecLimits& limits) {
  if (!is_valid_schedule_name(name)) return "a schedule name is 1-64 characters of A-Za-z0-9_.-";
  if (!body.is_object()) return "the body must be a JSON object";
  ScheduleDefinition d;
  d.name = std::move(name);
  for (const auto& [key, v] : body.as_object()) {
    if (key == "cron") {
      if (!v.is_string()) return "cron must be a string";
      auto parsed = CronExpression::parse(v.as_string());
      if (auto* error = std::get_if<std::string>(&parsed)) return "cron: " + *error;
      d.cron = std::string(v.as_string());
      d.cron_expression = std::get<CronExpression>(std::move(parsed));
    } else if (key == "every_ms") {
      std::int64_t every = 0;
      if (read_json_int(v, "every_ms", min_every_ms, max_every_ms, every)) {
        return "every_ms must be an integer from 1000 (one second) to 31622400000 (366 days)";
      }
      d.every_ms = every;
    } else if (key == "tz") {
      if (!v.is_string()) return "tz must be a string";
      const std::string_view tz = v.as_string();
      if (tz != "UTC" && tz != "Etc/UTC") {
        return "tz: only UTC is supported (this build's C++ library has no time zone database)";
      }
      d.tz = "UTC";
    } else if (key == "catch_up") {
      if (!v.is_string() || (v.as_string() != "none" && v.as_string() != "last")) {
        return "catch_up must be \"none\" or \"last\"";
      }
      d.catch_up = v.as_string() == "last" ? CatchUp::last : CatchUp::none;
    } else if (key == "job") {
      const JobSpecResult spec = parse_job_spec(v, limits);
      if (const auto* error = std::get_if<JobSpecError>(&spec)) return "job: " + error->message;
      if (std::get<JobSpec>(spec).idempotency_key) {
        return "job: idempotency_key is set by the schedule for each tick";
      }
      d.job = v;
    } else {
      return "unknown field '" + text_excerpt(key) + "'";
    }
  }
  if (d.cron.has_value() == d.every_ms.has_value()) return "give exactly one of cron and every_ms";
  if (d.job.is_null()) return "job is missing: the body of POST /jobs to submit at each tick";
  if (d.cron && !next_tick(d, {}, std::chrono::system_clock::now())) {
    return "cron: the expression never matches";
  }
  return d;
}

boost::json::object to_json(const ScheduleDefinition& d) {
  boost::json::object o;
  if (d.cron) o["cron"] = *d.cron;
  if (d.every_ms) o["every_ms"] = *d.every_ms;
  o["tz"] = d.tz;
  o["catch_up"] = d.catch_up == CatchUp::last ? "last" : "none";
  o["job"] = d.job;
  return o;
}

boost::json::object to_json(const Schedule& s, std::size_t upcoming) {
  boost::json::object o = to_json(s.definition);
  o["name"] = s.definition.name;
  o["paused"] = s.paused;
  boost::json::array next;
  if (!s.paused) {
    std::optional<SystemTime> t;
    if (s.next_at != SystemTime::max()) t = s.next_at;
    for (std::size_t i = 0; i < upcoming && t; ++i) {
      next.push_back(boost::json::string(format_rfc3339(*t)));
      t = next_tick(s.definition, s.updated_at, *t);
    }
  }
  o["next_fire_times"] = std::move(next);
  o["last_fired_at"] = s.last_fired_at ? boost::json::value(format_rfc3339(*s.last_fired_at))
                                       : boost::json::value(nullptr);
  o["last_job_id"] =
      s.last_job_id ? boost::json::value(*s.last_job_id) : boost::json::value(nullptr);
  o["created_at"] = format_rfc3339(s.created_at);
  o["updated_at"] = format_rfc3339(s.updated_at);
  return o;
}

std::optional<SystemTime> next_tick(const ScheduleDefinition& d, SystemTime anchor,
                                    SystemTime after) {
  if (d.every_ms) {
    const milliseconds every(*d.every_ms);
    if (after < anchor) return anchor + every;
    const auto k = (std::chrono::duration_cast<milliseconds>(after - anchor) / every) + 1;
    return anchor + every * k;
  }
  if (!d.cron_expression) return std::nullopt;
  return d.cron_expression->next_after(after);
}

TickDecision decide_tick(const Schedule& s, SystemTime now) {
  TickDecision out;
  const ScheduleDefinition& d = s.definition;
  if (now - s.next_at <= tick_grace) {
    // On time, or late within the grace: fire it; the next is the tick after it, so ticks that
    // came meanwhile fire in turn too.
    out.fire = s.next_at;
    out.next_at = next_tick(d, s.updated_at, s.next_at);
    return out;
  }
  // Missed: nothing fired these ticks for longer than the grace.
  if (d.catch_up == CatchUp::last) {
    // The last tick at or before now. Ticks a second apart after a long outage would be many
    // to walk: the walk starts a day back when a tick lies within that day.
    SystemTime last = s.next_at;
    if (now - s.next_at > std::chrono::hours(24)) {
      const std::optional<SystemTime> recent =
          next_tick(d, s.updated_at, now - std::chrono::hours(24));
      if (recent && *recent <= now) last = *recent;
    }
    for (int i = 0; i < 200'000; ++i) {
      const std::optional<SystemTime> t = next_tick(d, s.updated_at, last);
      if (!t || *t > now) break;
      last = *t;
    }
    out.fire = last;
  }
  out.next_at = next_tick(d, s.updated_at, now);
  return out;
}

std::string tick_idempotency_key(std::string_view schedule, SystemTime tick) {
  return "schedule:" + std::string(schedule) + ":" + std::to_string(unix_millis(tick));
}

}  // namespace coqueue
