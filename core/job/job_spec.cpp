#include "core/job/job_spec.hpp"

#include <boost/json/object.hpp>

#include "core/job/json_int.hpp"
#include "core/support/text_excerpt.hpp"

namespace coqueue {
namespace {

bool is_name_char(char c, bool allow_colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || (allow_colon && c == ':');
}

bool all_name_chars(std::string_view s, bool allow_colon) {
  for (const char c : s) {
    if (!is_name_char(c, allow_colon)) return false;
  }
  return true;
}

JobSpecError error(job_errc code, std::string message) {
  return {code, std::move(message)};
}

// Reads a bounded integer field, turning a bad one into the spec's error.
std::optional<JobSpecError> read_int(const boost::json::value& v, std::string_view field,
                                     std::int64_t min, std::int64_t max, std::int64_t& out) {
  if (auto e = read_json_int(v, field, min, max, out)) return error(e->code, e->message);
  return std::nullopt;
}

}  // namespace

bool is_valid_queue_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && all_name_chars(name, false);
}

bool is_valid_type_name(std::string_view name, std::size_t max_length) {
  return !name.empty() && name.size() <= max_length && all_name_chars(name, true);
}

boost::json::value JobSpec::fingerprint() const {
  boost::json::object o;
  o["type"] = type;
  o["payload"] = payload;
  o["queue"] = queue;
  o["max_attempts"] = max_attempts;
  o["timeout_ms"] = timeout_ms ? boost::json::value(*timeout_ms) : boost::json::value(nullptr);
  o["delay_ms"] = delay_ms;
  return o;
}

JobSpecResult parse_job_spec(const boost::json::value& body, const JobSpecLimits& limits) {
  const boost::json::object* obj = body.if_object();
  if (obj == nullptr) return error(job_errc::not_an_object, "the body must be a JSON object");

  JobSpec spec;
  bool has_type = false;
  for (const auto& [key, v] : *obj) {
    if (key == "type") {
      if (!v.is_string()) return error(job_errc::wrong_type, "type must be a string");
      const std::string_view type = v.get_string();
      if (!is_valid_type_name(type, limits.max_type_length)) {
        return error(job_errc::invalid_value, "type must be 1-" +
                                                  std::to_string(limits.max_type_length) +
                                                  " characters of A-Za-z0-9_.:-");
      }
      spec.type = type;
      has_type = true;
    } else if (key == "payload") {
      spec.payload = v;
    } else if (key == "queue") {
      if (!v.is_string()) return error(job_errc::wrong_type, "queue must be a string");
      if (!is_valid_queue_name(v.get_string())) {
        return error(job_errc::invalid_queue, "queue must be 1-64 characters of A-Za-z0-9_.-");
      }
      spec.queue = v.get_string();
    } else if (key == "max_attempts") {
      std::int64_t n = 0;
      if (auto e = read_int(v, key, 1, limits.max_attempts, n)) return *e;
      spec.max_attempts = static_cast<int>(n);
    } else if (key == "timeout_ms") {
      std::int64_t n = 0;
      if (auto e = read_int(v, key, 1, limits.max_timeout_ms, n)) return *e;
      spec.timeout_ms = n;
    } else if (key == "delay_ms") {
      if (auto e = read_int(v, key, 0, limits.max_delay_ms, spec.delay_ms)) return *e;
    } else if (key == "idempotency_key") {
      if (!v.is_string()) return error(job_errc::wrong_type, "idempotency_key must be a string");
      const std::string_view k = v.get_string();
      if (k.empty() || k.size() > limits.max_idempotency_key_length) {
        return error(job_errc::invalid_value,
                     "idempotency_key must be 1-" +
                         std::to_string(limits.max_idempotency_key_length) + " bytes");
      }
      spec.idempotency_key = std::string(k);
    } else {
      return error(job_errc::unknown_field, "unknown field '" + text_excerpt(key) + "'");
    }
  }
  if (!has_type) return error(job_errc::missing_field, "type is required");
  return spec;
}

}  // namespace coqueue
