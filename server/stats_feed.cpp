#include "server/stats_feed.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/queue/job_metrics.hpp"
#include "server/api.hpp"

namespace coqueue::server {
namespace {

// Rates over this much of the past: a second alone would jump with each batch.
constexpr auto rate_window = std::chrono::seconds(5);
// Run times over this much: workers report theirs with each heartbeat (every 5 s by default).
constexpr auto run_time_window = std::chrono::seconds(15);

// The q-quantile of a histogram (per-bucket counts over `bounds`, plus one bucket above), in
// seconds, interpolated within its bucket as Prometheus's histogram_quantile does.
std::optional<double> quantile(const std::vector<double>& bounds,
                               const std::vector<std::uint64_t>& counts, double q) {
  std::uint64_t total = 0;
  for (const std::uint64_t c : counts) total += c;
  if (total == 0) return std::nullopt;
  const double rank = q * static_cast<double>(total);
  double below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double in_bucket = static_cast<double>(counts[i]);
    if (below + in_bucket >= rank && in_bucket > 0) {
      if (i >= bounds.size()) return bounds.back();  // above the last bound: its floor
      const double low = i == 0 ? 0 : bounds[i - 1];
      return low + (bounds[i] - low) * ((rank - below) / in_bucket);
    }
    below += in_bucket;
  }
  return bounds.back();
}

boost::json::value parse_body(const Response& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  if (ec || r.status != 200) return nullptr;
  return v;
}

boost::json::object point_json(const auto& p) {
  const auto ms = [](const std::optional<double>& v) -> boost::json::value {
    if (!v) return nullptr;
    return *v;
  };
  return {{"t", p.at_ms},
          {"in_per_s", p.in_per_s},
          {"out_per_s", p.out_per_s},
          {"run_p50_ms", ms(p.run_p50_ms)},
          {"run_p90_ms", ms(p.run_p90_ms)},
          {"run_p99_ms", ms(p.run_p99_ms)},
          {"latency_p50_ms", ms(p.latency_p50_ms)},
          {"latency_p90_ms", ms(p.latency_p90_ms)},
          {"latency_p99_ms", ms(p.latency_p99_ms)}};
}

}  // namespace

StatsFeed::Subscription::Subscription(StatsFeed& feed, Listener listener)
    : feed_(feed), id_(feed.next_id_++) {
  feed_.subscribers_.emplace(id_, Subscriber{std::move(listener)});
}

StatsFeed::Subscription::~Subscription() {
  feed_.subscribers_.erase(id_);
}

void StatsFeed::stop() {
  stopped_ = true;
  if (stop_) stop_();
}

awaitable<void> StatsFeed::run() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  stop_ = [&timer] { timer.cancel(); };
  while (!stopped_) {
    if (!subscribers_.empty()) {
      try {
        co_await read_and_push();
      } catch (const std::exception&) {
        // The backend is away: this tick is missing; the dashboard shows its last figures.
      }
    } else {
      readings_.clear();  // rates start afresh when someone watches again
    }
    timer.expires_after(tick);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  stop_ = nullptr;
}

StatsFeed::Point StatsFeed::next_point(const Totals& now) {
  readings_.push_back(now);
  while (readings_.size() > 1 && now.at - readings_.front().at > run_time_window) {
    readings_.pop_front();
  }
  Point p;
  p.at_ms = unix_millis(std::chrono::system_clock::now());
  // Rates against the oldest reading within the rate window.
  const auto rate_base = std::find_if(readings_.begin(), readings_.end(), [&](const Totals& t) {
    return now.at - t.at <= rate_window;
  });
  if (rate_base != readings_.end() && rate_base->at < now.at) {
    const double seconds = std::chrono::duration<double>(now.at - rate_base->at).count();
    p.in_per_s =
        static_cast<double>(std::max<std::int64_t>(0, now.submitted - rate_base->submitted)) /
        seconds;
    p.out_per_s =
        static_cast<double>(std::max<std::int64_t>(0, now.ended - rate_base->ended)) / seconds;
  }
  const Totals& oldest = readings_.front();
  if (&oldest != &readings_.back()) {
    const auto delta = [](const std::vector<std::uint64_t>& now_buckets,
                          const std::vector<std::uint64_t>& then_buckets) {
      std::vector<std::uint64_t> d(now_buckets.size(), 0);
      for (std::size_t i = 0; i < d.size(); ++i) {
        const std::uint64_t before = i < then_buckets.size() ? then_buckets[i] : 0;
        d[i] = now_buckets[i] >= before ? now_buckets[i] - before : 0;
      }
      return d;
    };
    const auto ms = [](std::optional<double> s) -> std::optional<double> {
      if (!s) return std::nullopt;
      return *s * 1000.0;
    };
    const auto runs = delta(now.run_buckets, oldest.run_buckets);
    p.run_p50_ms = ms(quantile(run_duration_bounds(), runs, 0.50));
    p.run_p90_ms = ms(quantile(run_duration_bounds(), runs, 0.90));
    p.run_p99_ms = ms(quantile(run_duration_bounds(), runs, 0.99));
    const auto latencies = delta(now.latency_buckets, oldest.latency_buckets);
    p.latency_p50_ms = ms(quantile(latency_bounds(), latencies, 0.50));
    p.latency_p90_ms = ms(quantile(latency_bounds(), latencies, 0.90));
    p.latency_p99_ms = ms(quantile(latency_bounds(), latencies, 0.99));
  }
  history_.push_back(p);
  while (history_.size() > history_points) history_.pop_front();
  return p;
}

awaitable<void> StatsFeed::read_and_push() {
  Request get_queues;
  get_queues.target = "/queues";
  const Response queues_response = co_await api_.handle_unrecorded(std::move(get_queues));
  Request get_workers;
  get_workers.target = "/workers";
  const Response workers_response = co_await api_.handle_unrecorded(std::move(get_workers));
  boost::json::value queues = parse_body(queues_response);
  boost::json::value workers = parse_body(workers_response);
  // A tick read only in part is skipped: the page keeps showing the last whole one.
  if (!queues.is_object() || !workers.is_object()) co_return;
  const JobMetrics metrics = co_await api_.broker().job_metrics();
  boost::json::array schedules;
  const std::vector<Schedule> all_schedules = co_await api_.broker().schedules();
  for (const Schedule& s : all_schedules) schedules.push_back(to_json(s, 1));

  Totals totals;
  totals.at = std::chrono::steady_clock::now();
  boost::json::array failures;
  if (const auto* q = queues.is_object() ? queues.as_object().if_contains("queues") : nullptr;
      q != nullptr && q->is_object()) {
    std::vector<Job> dead;
    for (const auto& [name, counts] : q->as_object()) {
      const auto& c = counts.as_object();
      const auto n = [&](std::string_view status) {
        const auto* v = c.if_contains(status);
        return v != nullptr && v->is_int64() ? v->as_int64() : 0;
      };
      const std::int64_t ended = n("completed") + n("failed") + n("cancelled");
      totals.ended += ended;
      totals.submitted += ended + n("queued") + n("scheduled") + n("processing");
      if (n("dead") > 0) {
        std::string queue_name(name);
        DeadLetters page = co_await api_.broker().dead_letters(std::move(queue_name), 0, 10);
        for (Job& job : page.jobs) dead.push_back(std::move(job));
      }
    }
    // The ten most recent failures over every queue.
    std::sort(dead.begin(), dead.end(), [](const Job& a, const Job& b) {
      return a.finished_at.value_or(SystemTime{}) > b.finished_at.value_or(SystemTime{});
    });
    for (std::size_t i = 0; i < dead.size() && i < 10; ++i) failures.push_back(to_json(dead[i]));
  }
  totals.latency_buckets.assign(latency_bounds().size() + 1, 0);
  for (const auto& [queue, timing] : metrics.latencies) {
    for (std::size_t i = 0; i < timing.buckets.size() && i < totals.latency_buckets.size(); ++i) {
      totals.latency_buckets[i] += timing.buckets[i];
    }
  }
  totals.run_buckets.assign(run_duration_bounds().size() + 1, 0);
  for (const auto& [key, timing] : metrics.runs) {
    if (key.outcome != "completed" && key.outcome != "failed") continue;
    for (std::size_t i = 0; i < timing.buckets.size() && i < totals.run_buckets.size(); ++i) {
      totals.run_buckets[i] += timing.buckets[i];
    }
  }
  const Point point = next_point(totals);

  boost::json::object message{{"event", "stats"},
                              {"queues", std::move(queues)},
                              {"workers", std::move(workers)},
                              {"recent_failures", std::move(failures)},
                              {"schedules", std::move(schedules)},
                              {"point", point_json(point)}};
  const std::string without_history = boost::json::serialize(message);
  std::string with_history;
  for (auto& [id, subscriber] : subscribers_) {
    if (subscriber.sent_history) {
      subscriber.listener(without_history);
      continue;
    }
    if (with_history.empty()) {
      boost::json::array history;
      for (const Point& p : history_) history.push_back(point_json(p));
      message["history"] = std::move(history);
      with_history = boost::json::serialize(message);
    }
    subscriber.sent_history = true;
    subscriber.listener(with_history);
  }
}

}  // namespace coqueue::server
