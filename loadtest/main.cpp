// coqueue-loadtest: closed-loop clients against a running coqueue server. Each client submits a
// job, waits for its result server-side (GET /jobs/<id>?wait_ms=), and goes again; the tool
// reports throughput and latency percentiles. The full capacity run grows from this.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/redis/url_option.hpp"
#include "core/support/awaitable.hpp"
#include "core/support/command_line.hpp"
#include "core/support/log.hpp"
#include "core/support/units.hpp"
#include "loadtest/fill.hpp"

namespace {

using namespace coqueue;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Plan {
  std::string host = "127.0.0.1";
  std::string port = "8080";
  std::size_t clients = 10;
  std::chrono::milliseconds duration{5000};
  std::string body;  // the POST /jobs body
};

struct Tally {
  std::vector<std::uint32_t> latencies_us;
  std::size_t errors = 0;
};

awaitable<http::response<http::string_body>> exchange(beast::tcp_stream& stream,
                                                      beast::flat_buffer& buffer,
                                                      http::request<http::string_body>& req) {
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::use_awaitable);
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  co_return res;
}

awaitable<void> client(Plan plan, asio::ip::tcp::endpoint target, Clock::time_point until,
                       Tally& tally) {
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  co_await stream.async_connect(target, asio::use_awaitable);
  beast::flat_buffer buffer;
  while (Clock::now() < until) {
    const auto start = Clock::now();
    http::request<http::string_body> submit{http::verb::post, "/jobs", 11};
    submit.set(http::field::host, plan.host);
    submit.set(http::field::content_type, "application/json");
    submit.body() = plan.body;
    auto accepted = co_await exchange(stream, buffer, submit);
    if (accepted.result_int() != 202) {
      ++tally.errors;
      continue;
    }
    const std::string id(boost::json::parse(accepted.body()).at("id").as_string());
    http::request<http::string_body> wait{http::verb::get, "/jobs/" + id + "?wait_ms=30000", 11};
    wait.set(http::field::host, plan.host);
    auto done = co_await exchange(stream, buffer, wait);
    const auto status = boost::json::parse(done.body()).at("status").as_string();
    if (done.result_int() != 200 || status != "completed") {
      ++tally.errors;
      continue;
    }
    tally.latencies_us.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()));
  }
}

double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[index] / 1000.0;
}

int run_fill(const coqueue::CommandLine& cli) {
  using namespace coqueue;
  loadtest::FillPlan plan;
  const auto jobs = parse_int(cli.get("fill"));
  auto redis = redis::read_url_option(cli);
  if (!jobs || *jobs < 1 || std::holds_alternative<std::string>(redis)) {
    std::fprintf(stderr, "coqueue-loadtest: bad --fill or --redis\n");
    return 2;
  }
  plan.jobs = *jobs;
  plan.redis = std::get<redis::Config>(redis);
  if (!plan.redis.unix_path.empty() || !asio::ip::make_address(plan.redis.host).is_loopback()) {
    std::fprintf(stderr, "coqueue-loadtest: only a loopback Redis is allowed\n");
    return 2;
  }
  plan.queue = cli.get("queue");
  const loadtest::FillResult r = loadtest::fill_queue(plan);
  std::printf("enqueued=%lld seconds=%.3f jobs_per_s=%.0f\n", static_cast<long long>(r.enqueued),
              r.seconds, static_cast<double>(r.enqueued) / r.seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace coqueue;
  CommandLine cli("coqueue-loadtest",
                  "Drives closed-loop clients against a coqueue server: each submits a job and\n"
                  "waits for its result, then the next. Prints jobs/s and latency percentiles.");
  cli.add("target", "http://127.0.0.1:8080", "server to drive (loopback only)");
  cli.add("clients", "10", "concurrent clients");
  cli.add("duration", "5s", "how long to drive");
  cli.add("job", "echo", "job to submit: echo, sleep:<ms> or cpu:<ms>");
  cli.add("fill", "0",
          "instead of driving a server: enqueue this many no-op jobs straight into Redis "
          "(--redis, --queue) in batches, print the rate and exit (the start of a drain run)");
  redis::declare_url_option(cli, "Redis URL for --fill");
  cli.add("queue", "default", "queue for --fill");
  if (auto exit_code = cli.parse_for_main(argc, argv)) return *exit_code;
  log::configure(
      {.level = log::Level::warn, .format = log::Format::text, .role = "loadtest", .instance = ""});

  if (cli.get("fill") != "0") return run_fill(cli);

  Plan plan;
  std::string target = cli.get("target");
  if (!target.starts_with("http://")) {
    std::fprintf(stderr, "coqueue-loadtest: --target must be http://host:port\n");
    return 2;
  }
  target = target.substr(7);
  if (const auto slash = target.find('/'); slash != std::string::npos) target.resize(slash);
  const auto colon = target.rfind(':');
  plan.host = target.substr(0, colon);
  plan.port = colon == std::string::npos ? "80" : target.substr(colon + 1);
  const auto clients = parse_int(cli.get("clients"));
  const auto duration = parse_duration(cli.get("duration"));
  if (!clients || *clients < 1 || !duration) {
    std::fprintf(stderr, "coqueue-loadtest: bad --clients or --duration\n");
    return 2;
  }
  plan.clients = static_cast<std::size_t>(*clients);
  plan.duration = *duration;
  const std::string job = cli.get("job");
  if (job == "echo") {
    plan.body = R"({"type":"echo","payload":{"hello":"world"}})";
  } else if (job.starts_with("sleep:") || job.starts_with("cpu:")) {
    const auto sep = job.find(':');
    const auto ms = parse_int(job.substr(sep + 1));
    if (!ms || *ms < 0) {
      std::fprintf(stderr, "coqueue-loadtest: bad --job '%s'\n", job.c_str());
      return 2;
    }
    plan.body =
        R"({"type":")" + job.substr(0, sep) + R"(","payload":{"ms":)" + std::to_string(*ms) + "}}";
  } else {
    std::fprintf(stderr, "coqueue-loadtest: --job must be echo, sleep:<ms> or cpu:<ms>\n");
    return 2;
  }

  asio::io_context io(1);
  asio::ip::tcp::resolver resolver(io);
  const auto endpoint = resolver.resolve(plan.host, plan.port).begin()->endpoint();
  if (!endpoint.address().is_loopback()) {
    std::fprintf(stderr, "coqueue-loadtest: only loopback targets are allowed\n");
    return 2;
  }
  std::vector<Tally> tallies(plan.clients);
  const auto started = Clock::now();
  const auto until = started + plan.duration;
  std::size_t failed_clients = 0;
  for (Tally& tally : tallies) {
    asio::co_spawn(io, client(plan, endpoint, until, tally), [&](std::exception_ptr e) {
      if (e) ++failed_clients;
    });
  }
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::vector<std::uint32_t> all;
  std::size_t errors = 0;
  for (const Tally& t : tallies) {
    all.insert(all.end(), t.latencies_us.begin(), t.latencies_us.end());
    errors += t.errors;
  }
  std::sort(all.begin(), all.end());
  std::printf("clients=%zu duration_s=%.2f jobs=%zu errors=%zu failed_clients=%zu\n", plan.clients,
              seconds, all.size(), errors, failed_clients);
  std::printf("jobs_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
              static_cast<double>(all.size()) / seconds, percentile_ms(all, 0.50),
              percentile_ms(all, 0.90), percentile_ms(all, 0.99), percentile_ms(all, 1.0));
  return failed_clients == 0 ? 0 : 1;
}
