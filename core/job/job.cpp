#include "core/job/job.hpp"

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

}  // namespace

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
