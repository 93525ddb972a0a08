#include <algorithm>
#include <chrono>
#include <cstdio>

#include <variant>

#include <boost/json/object.hpp>

#include "core/job/json_int.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::worker::builtin {
namespace {

constexpr std::int64_t max_cpu_ms = 600'000;
constexpr std::int64_t max_iterations = 100'000'000'000;
constexpr std::uint64_t check_every = 4096;  // iterations between clock and stop checks

struct CpuRequest {
  std::optional<std::int64_t> ms;
  std::optional<std::int64_t> iterations;
};

std::variant<CpuRequest, std::string> read_request(const boost::json::value& payload) {
  const boost::json::object* o = payload.if_object();
  if (o == nullptr) return std::string("payload must be an object with \"ms\" or \"iterations\"");
  CpuRequest request;
  for (const auto& [key, v] : *o) {
    std::int64_t n = 0;
    if (key == "ms") {
      if (auto e = read_json_int(v, "ms", 0, max_cpu_ms, n)) return e->message;
      request.ms = n;
    } else if (key == "iterations") {
      if (auto e = read_json_int(v, "iterations", 0, max_iterations, n)) return e->message;
      request.iterations = n;
    } else {
      return "unknown payload field '" + std::string(key) + "'";
    }
  }
  if (request.ms.has_value() == request.iterations.has_value()) {
    return std::string("payload needs exactly one of \"ms\" and \"iterations\"");
  }
  return request;
}

std::optional<std::string> check_cpu(const boost::json::value& payload) {
  auto request = read_request(payload);
  if (auto* message = std::get_if<std::string>(&request)) return *message;
  return std::nullopt;
}

awaitable<boost::json::value> run_cpu(JobContext& ctx) {
  auto parsed = read_request(ctx.payload());
  if (auto* message = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*message);
  const CpuRequest request = std::get<CpuRequest>(parsed);

  std::uint64_t digest = 0;
  std::uint64_t done = 0;
  const auto started = std::chrono::steady_clock::now();
  std::function<void(std::stop_token)> burn = [&](std::stop_token stop) {
    using clock = std::chrono::steady_clock;
    const auto until = started + std::chrono::milliseconds(request.ms.value_or(0));
    const std::uint64_t limit =
        request.iterations ? static_cast<std::uint64_t>(*request.iterations) : UINT64_MAX;
    std::uint64_t x = 0;
    while (done < limit) {
      const std::uint64_t chunk = std::min(check_every, limit - done);
      for (std::uint64_t i = 0; i < chunk; ++i) x = chain_step(x);
      done += chunk;
      if (stop.stop_requested()) return;
      if (request.ms && clock::now() >= until) break;
    }
    digest = x;
  };
  co_await ctx.run_cpu(std::move(burn));  // named, not a temporary: see JobContext::run_cpu
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
  co_return boost::json::object{
      {"iterations", done}, {"digest", hex}, {"elapsed_us", elapsed.count()}};
}

}  // namespace

std::uint64_t chain_step(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

JobType cpu_type() {
  return {.name = "cpu",
          .run = run_cpu,
          .check_payload = check_cpu,
          .summary = "{\"ms\": n} or {\"iterations\": n}: burns CPU on the worker's CPU pool"};
}

}  // namespace coqueue::worker::builtin
