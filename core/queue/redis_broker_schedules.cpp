// The Redis broker's schedules: one hash per schedule (cq:schedule:{name}), which holds the
// truth, and a ZSET of names by next tick (cq:schedules) that firers poll. The ZSET is a hint,
// written after the hash: a stale score is corrected when the hash is read.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/stored_json.hpp"
#include "core/queue/redis_broker.hpp"
#include "core/queue/redis_keys.hpp"
#include "core/support/time.hpp"

namespace coqueue {
namespace {

std::string ms_text(SystemTime t) {
  return std::to_string(unix_millis(t));
}

std::string score_of(const Schedule& s) {
  if (s.paused || s.next_at == SystemTime::max()) return "+inf";
  return ms_text(s.next_at);
}

std::optional<SystemTime> time_field(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return SystemTime{std::chrono::milliseconds(std::stoll(text))};
}

// A schedule from its hash (HGETALL); nothing when it is gone or unreadable.
std::optional<Schedule> schedule_from_hash(std::string name, const redis::RespValue& hash) {
  std::map<std::string, std::string, std::less<>> f;
  for (std::size_t i = 0; i + 1 < hash.elements.size(); i += 2) {
    f[hash.elements[i].text] = hash.elements[i + 1].text;
  }
  if (!f.contains("def")) return std::nullopt;
  boost::system::error_code ec;
  const boost::json::value def = parse_stored_json(f["def"], ec);
  if (ec) return std::nullopt;
  auto parsed = parse_schedule_definition(std::move(name), def);
  if (!std::holds_alternative<ScheduleDefinition>(parsed)) return std::nullopt;
  Schedule s;
  s.definition = std::get<ScheduleDefinition>(std::move(parsed));
  s.paused = f["paused"] == "1";
  s.created_at = time_field(f["created_at"]).value_or(SystemTime{});
  s.updated_at = time_field(f["updated_at"]).value_or(SystemTime{});
  s.next_at = time_field(f["next_at"]).value_or(SystemTime::max());
  s.last_fired_at = time_field(f["last_fired_at"]);
  if (!f["last_job_id"].empty()) s.last_job_id = f["last_job_id"];
  return s;
}

std::vector<std::string> texts(const redis::RespValue& array) {
  std::vector<std::string> out;
  for (const redis::RespValue& e : array.elements) out.push_back(e.text);
  return out;
}

}  // namespace

awaitable<Schedule> RedisBroker::put_schedule(ScheduleDefinition definition) {
  const SystemTime now = std::chrono::system_clock::now();
  const std::string key = keys::schedule(definition.name);
  // A tick already due and not fired yet is not lost to the edit: it fires (as edited).
  redis::Request earlier;
  earlier.push("HMGET", key, "next_at", "paused");
  const redis::Replies was = co_await exec(std::move(earlier));
  SystemTime from = now;
  const auto& f = was.front().elements;
  if (f.size() == 2 && !f[0].is_null() && !f[0].text.empty() && f[1].text != "1") {
    from = std::min(now, *time_field(f[0].text) - std::chrono::milliseconds(1));
  }
  const std::optional<SystemTime> next = next_tick(definition, now, from);
  redis::Request write;
  write.push("HSETNX", key, "created_at", ms_text(now));
  write.push("HSETNX", key, "paused", "0");
  write.push("HSET", key, "def", boost::json::serialize(to_json(definition)), "updated_at",
             ms_text(now), "next_at", next ? ms_text(*next) : std::string());
  write.push("HGETALL", key);
  // In the same request, so a schedule is never stored without its hint. Too early a score is
  // harmless (a paused one is skipped when its hash is read); the firers correct it.
  write.push("ZADD", keys::schedules(), next ? ms_text(*next) : "+inf", definition.name);
  const redis::Replies replies = co_await exec(std::move(write));
  std::optional<Schedule> s = schedule_from_hash(definition.name, replies[replies.size() - 2]);
  if (!s) throw std::runtime_error("schedule " + definition.name + " could not be read back");
  co_return *s;
}

awaitable<std::optional<Schedule>> RedisBroker::get_schedule(std::string name) {
  redis::Request read;
  read.push("HGETALL", keys::schedule(name));
  const redis::Replies replies = co_await exec(std::move(read));
  co_return schedule_from_hash(std::move(name), replies.front());
}

awaitable<std::vector<std::optional<Schedule>>> RedisBroker::read_schedules(
    std::vector<std::string> names) {
  std::vector<std::optional<Schedule>> out;
  if (names.empty()) co_return out;
  redis::Request read;
  for (const std::string& name : names) read.push("HGETALL", keys::schedule(name));
  const redis::Replies hashes = co_await exec(std::move(read));
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    out.push_back(schedule_from_hash(names[i], hashes[i]));
  }
  co_return out;
}

awaitable<std::vector<Schedule>> RedisBroker::schedules() {
  redis::Request names;
  names.push("ZRANGE", keys::schedules(), 0, -1);
  const redis::Replies listed = co_await exec(std::move(names));
  std::vector<std::optional<Schedule>> read = co_await read_schedules(texts(listed.front()));
  std::vector<Schedule> out;
  for (std::optional<Schedule>& s : read) {
    if (s) out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(), [](const Schedule& a, const Schedule& b) {
    return a.definition.name < b.definition.name;
  });
  co_return out;
}

awaitable<bool> RedisBroker::delete_schedule(std::string name) {
  redis::Request remove;
  remove.push("DEL", keys::schedule(name));
  remove.push("ZREM", keys::schedules(), name);
  const redis::Replies replies = co_await exec(std::move(remove));
  co_return replies.front().integer > 0;
}

awaitable<std::optional<Schedule>> RedisBroker::set_schedule_paused(std::string name, bool paused) {
  std::optional<Schedule> s = co_await get_schedule(name);
  if (!s) co_return std::nullopt;
  const std::string key = keys::schedule(name);
  redis::Request change;
  if (paused) {
    change.push("HSET", key, "paused", "1");
  } else if (s->paused) {
    const SystemTime now = std::chrono::system_clock::now();
    const auto next = next_tick(s->definition, s->updated_at, now);
    change.push("HSET", key, "paused", "0", "next_at", next ? ms_text(*next) : std::string());
  } else {
    change.push("HSET", key, "paused", "0");
  }
  co_await exec(std::move(change));
  s = co_await get_schedule(name);
  if (!s) co_return std::nullopt;
  redis::Request hint;
  hint.push("ZADD", keys::schedules(), score_of(*s), name);
  co_await exec(std::move(hint));
  co_return s;
}

awaitable<void> RedisBroker::reconcile_schedule_hints() {
  redis::Request names;
  names.push("ZRANGE", keys::schedules(), 0, -1);
  const redis::Replies listed = co_await exec(std::move(names));
  const auto& e = listed.front().elements;
  if (e.empty()) co_return;
  redis::Request read;
  for (const redis::RespValue& name : e) {
    read.push("HMGET", keys::schedule(name.text), "next_at", "paused", "def");
  }
  const redis::Replies truth = co_await exec(std::move(read));
  redis::Request fix;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const auto& f = truth[i].elements;
    if (f.size() != 3 || f[2].is_null()) {
      fix.push("ZREM", keys::schedules(), e[i].text);  // its hash is gone
      continue;
    }
    const bool never = f[1].text == "1" || f[0].is_null() || f[0].text.empty();
    fix.push("ZADD", keys::schedules(), never ? std::string("+inf") : f[0].text, e[i].text);
  }
  co_await exec(std::move(fix));
}

awaitable<std::vector<Schedule>> RedisBroker::due_schedules(SystemTime now, std::size_t limit) {
  // The hints are written after the hashes, by several processes: now and then (every 20th
  // poll, 2 s at the firers' pace) each is set from its hash, so a score left too late by a
  // race does not hold a schedule back for long.
  if (schedule_polls_++ % 20 == 0) co_await reconcile_schedule_hints();
  redis::Request due;
  due.push("ZRANGEBYSCORE", keys::schedules(), "-inf", ms_text(now), "LIMIT", 0, limit);
  const redis::Replies listed = co_await exec(std::move(due));
  const std::vector<std::string> names = texts(listed.front());
  std::vector<std::optional<Schedule>> read = co_await read_schedules(names);
  std::vector<Schedule> out;
  redis::Request fix;  // hints that were stale: the hash is the truth
  for (std::size_t i = 0; i < read.size(); ++i) {
    const std::string& name = names[i];
    std::optional<Schedule>& s = read[i];
    if (!s) {
      fix.push("ZREM", keys::schedules(), name);
    } else if (s->paused || s->next_at > now) {
      fix.push("ZADD", keys::schedules(), score_of(*s), name);
    } else {
      out.push_back(std::move(*s));
    }
  }
  if (fix.commands() > 0) co_await exec(std::move(fix));
  co_return out;
}

awaitable<bool> RedisBroker::advance_schedule(std::string name, SystemTime expected,
                                              std::optional<SystemTime> next_at,
                                              std::optional<SystemTime> fired,
                                              std::optional<std::string> job_id) {
  std::vector<std::string> script_keys{keys::schedule(name)};
  std::vector<std::string> script_args{ms_text(expected), next_at ? ms_text(*next_at) : "",
                                       fired ? ms_text(*fired) : "", job_id.value_or("")};
  const redis::RespValue advanced =
      co_await run_script(advance_schedule_script_, std::move(script_keys), std::move(script_args));
  if (advanced.integer != 1) co_return false;
  redis::Request hint;
  hint.push("ZADD", keys::schedules(), next_at ? ms_text(*next_at) : "+inf", name);
  co_await exec(std::move(hint));
  co_return true;
}

}  // namespace coqueue
