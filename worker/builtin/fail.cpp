#include <limits>
#include <stdexcept>

#include <variant>

#include <boost/json/object.hpp>

#include "core/job/json_int.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::worker::builtin {
namespace {

constexpr std::int64_t always = std::numeric_limits<int>::max();

// How many attempts fail; null or {} means every one.
std::variant<std::int64_t, std::string> failing_attempts(const boost::json::value& payload) {
  if (payload.is_null()) return always;
  const boost::json::object* o = payload.if_object();
  if (o == nullptr) return std::string("payload must be null or an object like {\"times\": 2}");
  std::int64_t times = always;
  for (const auto& [key, v] : *o) {
    if (key != "times") return "unknown payload field '" + std::string(key) + "'";
    if (auto e = read_json_int(v, "times", 0, always, times)) return e->message;
  }
  return times;
}

std::optional<std::string> check_fail(const boost::json::value& payload) {
  auto times = failing_attempts(payload);
  if (auto* message = std::get_if<std::string>(&times)) return *message;
  return std::nullopt;
}

awaitable<boost::json::value> run_fail(JobContext& ctx) {
  auto parsed = failing_attempts(ctx.payload());
  if (auto* message = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*message);
  const std::int64_t times = std::get<std::int64_t>(parsed);
  if (ctx.attempt() <= times) {
    throw std::runtime_error("failing attempt " + std::to_string(ctx.attempt()) + " as asked");
  }
  co_return boost::json::object{{"succeeded_on_attempt", ctx.attempt()}};
}

}  // namespace

JobType fail_type() {
  return {.name = "fail",
          .run = run_fail,
          .check_payload = check_fail,
          .summary = "{\"times\": k}: fails its first k attempts (every attempt if absent)"};
}

}  // namespace coqueue::worker::builtin
