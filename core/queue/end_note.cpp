#include "core/queue/end_note.hpp"

#include "core/job/stored_json.hpp"
#include "core/support/units.hpp"

namespace coqueue {
namespace {

// The next field up to a space, taken off the front of `line`.
std::string_view take_field(std::string_view& line) {
  const std::size_t space = std::min(line.find(' '), line.size());
  const std::string_view field = line.substr(0, space);
  line.remove_prefix(std::min(space + 1, line.size()));
  return field;
}

}  // namespace

std::optional<Job> finished_job(Job known, std::string_view note) {
  const auto attempts = parse_int(take_field(note));
  const auto started_ms = parse_int(take_field(note));
  const auto finished_ms = parse_int(take_field(note));
  const std::string_view worker = take_field(note);
  if (!attempts || !started_ms || !finished_ms || worker.empty() || note.empty()) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  boost::json::value result = parse_stored_json(note, ec);
  if (ec) return std::nullopt;
  known.status = JobStatus::completed;
  known.attempts = static_cast<int>(*attempts);
  known.started_at = SystemTime{std::chrono::milliseconds(*started_ms)};
  known.finished_at = SystemTime{std::chrono::milliseconds(*finished_ms)};
  known.worker = std::string(worker);
  known.result = std::move(result);
  known.error.reset();
  known.progress.reset();
  known.run_at.reset();
  known.cancel_requested = false;
  known.lost_at.reset();
  return known;
}

}  // namespace coqueue
