#pragma once
// What the dashboard shows, pushed to the WebSockets that ask for it ({"subscribe_stats": true})
// about once a second: the queues and workers as GET /queues and GET /workers answer, the most
// recent dead letters, and a point of the throughput and run-time series (the last minutes of
// it at subscription). One reading per server and tick, however many sockets watch; nothing is
// read while none does.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/support/awaitable.hpp"
#include "core/support/time.hpp"

namespace coqueue::server {

class Api;

class StatsFeed {
 public:
  using Listener = std::function<void(const std::string& message)>;
  static constexpr std::chrono::seconds tick{1};
  static constexpr std::size_t history_points = 300;  // 5 minutes at one point a second

  explicit StatsFeed(Api& api) : api_(api) {}

  // The listener gets each stats message from now on (the first with the history) until the
  // subscription is destroyed.
  class Subscription {
   public:
    Subscription(StatsFeed& feed, Listener listener);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

   private:
    StatsFeed& feed_;
    std::uint64_t id_;
  };

  // Reads and pushes every tick until stop().
  awaitable<void> run();
  void stop();

 private:
  struct Point {
    std::int64_t at_ms = 0;
    double in_per_s = 0, out_per_s = 0;
    std::optional<double> run_p50_ms, run_p90_ms, run_p99_ms;
    std::optional<double> latency_p50_ms, latency_p90_ms, latency_p99_ms;
  };
  struct Totals {  // cumulative, as read at one tick
    SteadyTime at;
    std::int64_t submitted = 0, ended = 0;
    std::vector<std::uint64_t> run_buckets;
    std::vector<std::uint64_t> latency_buckets;
  };
  struct Subscriber {
    Listener listener;
    bool sent_history = false;
  };

  awaitable<void> read_and_push();
  Point next_point(const Totals& now);

  Api& api_;
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::uint64_t next_id_ = 0;
  std::deque<Totals> readings_;  // the last few seconds', for rates over a window
  std::deque<Point> history_;
  std::function<void()> stop_;
  bool stopped_ = false;
};

}  // namespace coqueue::server
