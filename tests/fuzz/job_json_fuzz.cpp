// libFuzzer target for job JSON: the bytes as the body of POST /jobs, parsed with the Api's
// options and checked by parse_job_spec. Beyond "no crash, no UB, no leak", it traps when a
// property the queue relies on fails:
//  - canonical_json gives one text per value: the same for any key order, and a text that
//    parses back to the value (so canonical_json of that is the same text again);
//  - a body's acceptance and its idempotency fingerprint do not depend on its key order;
//  - a job stored as the Redis broker stores it (enqueue.lua's HSET) reads back as that job;
//  - the job record clients get is JSON that parses back to the record;
//  - read_json_int takes exactly the integers within its bounds, over the full int64 range.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/canonical_json.hpp"
#include "core/job/job.hpp"
#include "core/job/job_spec.hpp"
#include "core/job/json_int.hpp"
#include "core/queue/redis_job_codec.hpp"

namespace {

using namespace coqueue;
namespace json = boost::json;

// Boost 1.81's number parser is not correctly rounded: a double read back from its own
// shortest text may differ in the last bits (at most 2 ulps over 3 million random doubles;
// Boost 1.83 added precise parsing). Round trips here allow that much, and no more.
constexpr std::int64_t max_ulps = 2;

// How deep POST /jobs lets a body nest: server::ApiSettings::max_json_depth, repeated here so
// this target needs no Asio (server/api.hpp brings it in). Job limits are JobSpecLimits{}, as in
// ApiSettings.
constexpr std::size_t body_max_depth = 64;

void violated(const char* property, std::string_view detail = {}) {
  std::fprintf(stderr, "job_json_fuzz: %s: %.*s\n", property,
               static_cast<int>(std::min<std::size_t>(detail.size(), 2000)), detail.data());
  __builtin_trap();
}

std::optional<json::value> parse_json(std::string_view text, std::size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

bool close_doubles(double a, double b) {
  if (a == b) return true;
  if (std::isnan(a) || std::isnan(b) || std::signbit(a) != std::signbit(b)) return false;
  std::int64_t ia = 0;
  std::int64_t ib = 0;
  std::memcpy(&ia, &a, sizeof a);
  std::memcpy(&ib, &b, sizeof b);
  return (ia > ib ? ia - ib : ib - ia) <= max_ulps;
}

// Equal as JSON values (key order aside, as json::value's own ==), doubles within max_ulps.
bool same_json(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) {
    return a.is_double() && b.is_double() && close_doubles(a.get_double(), b.get_double());
  }
  if (const json::object* oa = a.if_object()) {
    const json::object* ob = b.if_object();
    if (ob == nullptr || oa->size() != ob->size()) return false;
    for (const auto& [key, value] : *oa) {
      const json::value* other = ob->if_contains(key);
      if (other == nullptr || !same_json(value, *other)) return false;
    }
    return true;
  }
  if (const json::array* aa = a.if_array()) {
    const json::array* ab = b.if_array();
    if (ab == nullptr || aa->size() != ab->size()) return false;
    for (std::size_t i = 0; i < aa->size(); ++i) {
      if (!same_json((*aa)[i], (*ab)[i])) return false;
    }
    return true;
  }
  return a == b;
}

// Whether some double in `v` is one `which` picks.
bool any_double(const json::value& v, bool (*which)(double)) {
  if (v.is_double()) return which(v.get_double());
  if (const json::object* o = v.if_object()) {
    for (const auto& kv : *o) {
      if (any_double(kv.value(), which)) return true;
    }
  }
  if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) {
      if (any_double(e, which)) return true;
    }
  }
  return false;
}

bool any(double) {
  return true;
}
bool non_finite(double d) {
  return !std::isfinite(d);
}

// The same value with every object's keys in the opposite order.
json::value reversed_keys(const json::value& v) {
  if (const json::object* o = v.if_object()) {
    json::object out;
    for (auto it = o->end(); it != o->begin();) {
      --it;
      out.emplace(it->key(), reversed_keys(it->value()));
    }
    return out;
  }
  if (const json::array* a = v.if_array()) {
    json::array out;
    for (const json::value& e : *a) out.push_back(reversed_keys(e));
    return out;
  }
  return v;
}

void check_canonical_json(const json::value& v, std::size_t max_depth) {
  const std::string text = canonical_json(v);
  if (canonical_json(reversed_keys(v)) != text) violated("canonical_json depends on key order");
  const std::optional<json::value> back = parse_json(text, max_depth);
  if (!back) violated("canonical_json is not JSON", text);
  if (!same_json(*back, v)) violated("canonical_json does not parse back to its value", text);
  if (!any_double(v, any) && canonical_json(*back) != text) {
    violated("canonical_json is not idempotent", text);
  }
}

void check_int_reading(const json::value& v) {
  constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();
  std::int64_t out = 0;
  const std::optional<JsonIntError> e = read_json_int(v, "n", lowest, highest, out);
  if (v.is_int64() && (e || out != v.get_int64())) violated("int64 not read as itself");
  if (v.is_uint64() && !e != (v.get_uint64() <= static_cast<std::uint64_t>(highest))) {
    violated("uint64 read against its range");
  }
  if (v.is_double() && !e && static_cast<double>(out) != v.get_double()) {
    violated("double read as another integer");
  }
  if (!v.is_number() && (!e || e->code != job_errc::wrong_type)) violated("non-number read");
  // Tight bounds: whatever is taken is inside them.
  out = -1;
  if (!read_json_int(v, "n", 1, 100, out) && (out < 1 || out > 100)) {
    violated("read_json_int went past its bounds");
  }
}

void check_numbers(const json::value& v) {
  if (const json::object* o = v.if_object()) {
    for (const auto& kv : *o) check_numbers(kv.value());
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) check_numbers(e);
  } else {
    check_int_reading(v);
  }
}

bool same_spec(const JobSpec& a, const JobSpec& b) {
  return a.type == b.type && same_json(a.payload, b.payload) && a.queue == b.queue &&
         a.max_attempts == b.max_attempts && a.timeout_ms == b.timeout_ms &&
         a.delay_ms == b.delay_ms && a.idempotency_key == b.idempotency_key;
}

// A job as MemoryBroker::enqueue makes it from a spec, with a fixed id and time.
Job job_from(const JobSpec& spec) {
  Job job;
  job.id = "01a20404-a219-73d2-ad93-70a2b0fd6fcd";
  job.queue = spec.queue;
  job.type = spec.type;
  job.payload = spec.payload;
  job.max_attempts = spec.max_attempts;
  job.timeout_ms = spec.timeout_ms;
  job.idempotency_key = spec.idempotency_key;
  job.created_at = SystemTime{std::chrono::milliseconds(1'790'000'000'000)};
  job.status = spec.delay_ms > 0 ? JobStatus::scheduled : JobStatus::queued;
  return job;
}

// The hash enqueue.lua writes for a new job (RedisBroker::enqueue_batch's arguments), as
// HGETALL returns it.
redis::RespValue stored_in_redis(const Job& job, const JobSpec& spec) {
  redis::RespValue hash;
  hash.type = redis::RespType::map;
  const auto field = [&hash](std::string name, std::string value) {
    for (std::string* text : {&name, &value}) {
      redis::RespValue& e = hash.elements.emplace_back();
      e.type = redis::RespType::bulk_string;
      e.text = std::move(*text);
    }
  };
  field("id", job.id);
  field("queue", job.queue);
  field("type", job.type);
  field("payload", json::serialize(job.payload));
  field("status", std::string(to_string(job.status)));
  field("attempts", "0");
  field("max_attempts", std::to_string(job.max_attempts));
  field("timeout_ms", job.timeout_ms ? std::to_string(*job.timeout_ms) : "");
  field("idempotency_key", job.idempotency_key.value_or(""));
  field("created_at", std::to_string(unix_millis(job.created_at)));
  field("cancel_requested", "0");
  if (job.idempotency_key) field("fingerprint", canonical_json(spec.fingerprint()));
  return hash;
}

void check_redis_round_trip(const Job& job, const JobSpec& spec) {
  const std::optional<Job> back = job_from_redis_hash(stored_in_redis(job, spec));
  if (!back) violated("a stored job does not read back");
  if (back->id != job.id || back->queue != job.queue || back->type != job.type ||
      back->status != job.status || back->max_attempts != job.max_attempts ||
      back->timeout_ms != job.timeout_ms || back->idempotency_key != job.idempotency_key ||
      back->created_at != job.created_at) {
    violated("a stored job reads back with other fields");
  }
  if (!same_json(back->payload, job.payload)) {
    violated("a stored payload reads back as another value", json::serialize(back->payload));
  }
}

void check_job_record(const Job& job) {
  const json::object record = to_json(job);
  const std::string text = json::serialize(record);
  const std::optional<json::value> back = parse_json(text, 256);
  if (!back) violated("the job record is not JSON", text);
  if (!same_json(*back, record)) violated("the job record does not parse back to itself", text);
}

void check_body(std::string_view bytes) {
  // As handlers/job_input.cpp's read_json_body reads a body: with the API's depth, and without
  // numbers past a double's range (1e400 parses to infinity, which it refuses with a 400).
  const std::optional<json::value> body = parse_json(bytes, body_max_depth);
  if (!body || any_double(*body, non_finite)) return;
  const JobSpecLimits limits{};
  // Re-reading canonical text needs room for the depth the body was allowed.
  const std::size_t reread_depth = body_max_depth + 1;
  check_canonical_json(*body, reread_depth);
  check_numbers(*body);

  const JobSpecResult parsed = parse_job_spec(*body, limits);
  const JobSpecResult reordered = parse_job_spec(reversed_keys(*body), limits);
  const auto* spec = std::get_if<JobSpec>(&parsed);
  const auto* spec_reordered = std::get_if<JobSpec>(&reordered);
  if ((spec == nullptr) != (spec_reordered == nullptr)) {
    violated("acceptance depends on key order", canonical_json(*body));
  }
  if (spec == nullptr) return;
  if (!same_spec(*spec, *spec_reordered) ||
      canonical_json(spec->fingerprint()) != canonical_json(spec_reordered->fingerprint())) {
    violated("the spec depends on key order", canonical_json(*body));
  }
  // A resubmission from canonical text (another client library, say) is the same submission.
  if (const auto again = parse_json(canonical_json(*body), reread_depth)) {
    const JobSpecResult reread = parse_job_spec(*again, limits);
    const auto* spec_reread = std::get_if<JobSpec>(&reread);
    if (spec_reread == nullptr || !same_spec(*spec, *spec_reread) ||
        !same_json(spec->fingerprint(), spec_reread->fingerprint())) {
      violated("a resubmission from canonical text is another submission");
    }
  }
  const Job job = job_from(*spec);
  check_redis_round_trip(job, *spec);
  check_job_record(job);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_body(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
