#include "core/job/job.hpp"

#include <charconv>

#include <boost/json/serialize.hpp>

namespace coqueue {
namespace {

boost::json::value time_or_null(const std::optional<SystemTime>& t) {
  if (!t) return nullptr;
  return boost::json::value(format_rfc3339(*t));
}

template <class T>
boost::json::value or_null(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

// A JSON string as Boost.JSON writes it: quotes, backslashes and control characters escaped
// (by Boost.JSON itself, so the two writers cannot differ), everything else as it is.
void append_string(std::string& out, std::string_view s) {
  for (const char c : s) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
      return;
    }
  }
  out += '"';
  out += s;
  out += '"';
}

// Text this file made itself (times, status names): nothing in it needs escaping.
void append_plain(std::string& out, std::string_view s) {
  out += '"';
  out += s;
  out += '"';
}

void append_int(std::string& out, std::int64_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

void append_time(std::string& out, SystemTime t) {
  append_plain(out, format_rfc3339(t));
}

void append_value(std::string& out, const boost::json::value& v) {
  out += boost::json::serialize(v);
}

// The value by `append`, or null when there is none.
template <class T, class Append>
void append_or_null(std::string& out, const std::optional<T>& v, Append append) {
  if (v) {
    append(out, *v);
  } else {
    out += "null";
  }
}

}  // namespace

std::string to_json_text(const Job& job) {
  std::string out;
  out.reserve(512);
  out += "{\"id\":";
  append_string(out, job.id);
  out += ",\"queue\":";
  append_string(out, job.queue);
  out += ",\"type\":";
  append_string(out, job.type);
  out += ",\"status\":";
  append_plain(out, to_string(job.status));
  out += ",\"payload\":";
  append_value(out, job.payload);
  out += ",\"attempts\":";
  append_int(out, job.attempts);
  out += ",\"max_attempts\":";
  append_int(out, job.max_attempts);
  out += ",\"timeout_ms\":";
  append_or_null(out, job.timeout_ms, append_int);
  out += ",\"idempotency_key\":";
  append_or_null(out, job.idempotency_key, append_string);
  out += ",\"created_at\":";
  append_time(out, job.created_at);
  out += ",\"started_at\":";
  append_or_null(out, job.started_at, append_time);
  out += ",\"finished_at\":";
  append_or_null(out, job.finished_at, append_time);
  out += ",\"scheduled_for\":";
  append_or_null(out, job.run_at, append_time);
  out += ",\"result\":";
  append_or_null(out, job.result, append_value);
  out += ",\"progress\":";
  append_or_null(out, job.progress, append_value);
  out += ",\"error\":";
  append_or_null(out, job.error, append_string);
  out += ",\"worker\":";
  append_or_null(out, job.worker, append_string);
  out += job.cancel_requested ? ",\"cancel_requested\":true}" : ",\"cancel_requested\":false}";
  return out;
}

boost::json::object to_json(const Job& job) {
  boost::json::object o;
  o.reserve(17);
  o["id"] = job.id;
  o["queue"] = job.queue;
  o["type"] = job.type;
  o["status"] = to_string(job.status);
  o["payload"] = job.payload;
  o["attempts"] = job.attempts;
  o["max_attempts"] = job.max_attempts;
  o["timeout_ms"] = or_null(job.timeout_ms);
  o["idempotency_key"] = or_null(job.idempotency_key);
  o["created_at"] = format_rfc3339(job.created_at);
  o["started_at"] = time_or_null(job.started_at);
  o["finished_at"] = time_or_null(job.finished_at);
  o["scheduled_for"] = time_or_null(job.run_at);
  o["result"] = job.result ? *job.result : boost::json::value(nullptr);
  o["progress"] = job.progress ? *job.progress : boost::json::value(nullptr);
  o["error"] = or_null(job.error);
  o["worker"] = or_null(job.worker);
  o["cancel_requested"] = job.cancel_requested;
  return o;
}

}  // namespace coqueue
