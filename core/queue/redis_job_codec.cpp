#include "core/queue/redis_job_codec.hpp"

#include <charconv>

#include <boost/json/parse.hpp>

#include "core/job/stored_json.hpp"

namespace coqueue {
namespace {

std::optional<std::int64_t> to_int(const std::string& text) {
  std::int64_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

std::optional<SystemTime> to_time(const std::string& text) {
  const auto ms = to_int(text);
  if (!ms) return std::nullopt;
  return SystemTime{std::chrono::milliseconds(*ms)};
}

boost::json::value to_json_value(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = parse_stored_json(text, ec);
  return ec ? boost::json::value(text) : v;  // never fails a read over one bad field
}

}  // namespace

std::optional<Job> job_from_redis_hash(const redis::RespValue& reply) {
  const auto& e = reply.elements;
  if (e.empty() || e.size() % 2 != 0) return std::nullopt;
  Job job;
  bool has_id = false;
  for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
    const std::string& field = e[i].text;
    const std::string& value = e[i + 1].text;
    if (field == "id") {
      job.id = value;
      has_id = true;
    } else if (field == "queue") {
      job.queue = value;
    } else if (field == "type") {
      job.type = value;
    } else if (field == "payload") {
      job.payload = to_json_value(value);
    } else if (field == "status") {
      job.status = parse_job_status(value).value_or(JobStatus::queued);
    } else if (field == "progress") {
      job.progress = to_json_value(value);
    } else if (field == "lost_at") {
      job.lost_at = to_time(value);
    } else if (field == "attempts") {
      job.attempts = static_cast<int>(to_int(value).value_or(0));
    } else if (field == "max_attempts") {
      job.max_attempts = static_cast<int>(to_int(value).value_or(1));
    } else if (field == "timeout_ms") {
      job.timeout_ms = to_int(value);
    } else if (field == "idempotency_key") {
      if (!value.empty()) job.idempotency_key = value;
    } else if (field == "created_at") {
      job.created_at = to_time(value).value_or(SystemTime{});
    } else if (field == "started_at") {
      job.started_at = to_time(value);
    } else if (field == "finished_at") {
      job.finished_at = to_time(value);
    } else if (field == "run_at") {
      job.run_at = to_time(value);
    } else if (field == "result") {
      job.result = to_json_value(value);
    } else if (field == "error") {
      job.error = value;
    } else if (field == "worker") {
      job.worker = value;
    } else if (field == "cancel_requested") {
      job.cancel_requested = value == "1";
    } else if (field == "awaited") {
      job.awaited = value == "1";
    }
  }
  if (!has_id) return std::nullopt;
  return job;
}

Job job_from_take_reply(std::span<const redis::RespValue> v, const std::string& queue,
                        const std::string& worker, SystemTime started_at, std::string& run) {
  Job job;
  job.id = v[0].text;
  job.queue = queue;
  job.status = JobStatus::processing;
  job.attempts = static_cast<int>(to_int(v[1].text).value_or(0));
  run = v[2].text;
  job.type = v[3].text;
  job.payload = to_json_value(v[4].text);
  job.max_attempts = static_cast<int>(to_int(v[5].text).value_or(1));
  job.timeout_ms = to_int(v[6].text);
  if (!v[7].text.empty()) job.idempotency_key = v[7].text;
  job.created_at = to_time(v[8].text).value_or(SystemTime{});
  job.cancel_requested = v[9].text == "1";
  job.lost_at = to_time(v[10].text);
  job.awaited = v[11].text == "1";
  job.started_at = started_at;
  job.worker = worker;
  return job;
}

std::string redis_hash_field(const redis::RespValue& reply, std::string_view field) {
  const auto& e = reply.elements;
  for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
    if (e[i].text == field) return e[i + 1].text;
  }
  return {};
}

}  // namespace coqueue
