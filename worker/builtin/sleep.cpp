#include <boost/json/object.hpp>

#include "core/job/json_int.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::worker::builtin {
namespace {

constexpr std::int64_t max_sleep_ms = 3'600'000;

std::optional<std::string> check_sleep(const boost::json::value& payload) {
  const boost::json::object* o = payload.if_object();
  if (o == nullptr || !o->contains("ms")) return "payload must be an object with \"ms\"";
  for (const auto& [key, v] : *o) {
    if (key != "ms") return "unknown payload field '" + std::string(key) + "'";
  }
  std::int64_t ms = 0;
  if (auto e = read_json_int(o->at("ms"), "ms", 0, max_sleep_ms, ms)) return e->message;
  return std::nullopt;
}

awaitable<boost::json::value> run_sleep(JobContext& ctx) {
  std::int64_t ms = 0;
  if (auto e = read_json_int(ctx.payload().at("ms"), "ms", 0, max_sleep_ms, ms)) {
    throw std::invalid_argument(e->message);
  }
  co_await ctx.sleep_for(std::chrono::milliseconds(ms));
  co_return boost::json::object{{"slept_ms", ms}};
}

}  // namespace

JobType sleep_type() {
  return {.name = "sleep",
          .run = run_sleep,
          .check_payload = check_sleep,
          .summary = "{\"ms\": n}: waits n ms without holding a thread"};
}

}  // namespace coqueue::worker::builtin
