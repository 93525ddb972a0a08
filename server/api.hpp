#pragma once
// The HTTP API as a function: a Request in, a Response out. Parses the target, routes, and
// hands over to server/handlers/*. Knows nothing of sockets.

#include <chrono>
#include <functional>
#include <set>
#include <string>

#include <boost/url/url_view.hpp>

#include "core/job/job_spec.hpp"
#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"
#include "server/access_policy.hpp"
#include "server/advertised_types.hpp"
#include "server/http_message.hpp"
#include "server/http_metrics.hpp"
#include "server/metrics_snapshot.hpp"
#include "server/queue_rates.hpp"
#include "server/router.hpp"
#include "server/stats_feed.hpp"
#include "worker/registry.hpp"

namespace coqueue::server {

class ServerThreads;

struct ApiSettings {
  std::set<std::string> extra_types;           // accepted without a handler here (--types)
  std::chrono::milliseconds max_wait{30'000};  // the cap on GET /jobs/<id>?wait_ms=
  JobSpecLimits job_limits;
  std::size_t max_json_depth = 64;
};

class Api {
 public:
  Api(Broker& broker, const worker::Registry& types, ApiSettings settings,
      AccessSettings access = {});

  awaitable<Response> handle(Request request);
  // The same, for requests made inside the server (the WebSocket's reads and submissions, whose
  // socket was authorized at its upgrade): not counted in the HTTP request metrics, and no
  // token asked for.
  awaitable<Response> handle_unrecorded(Request request);

  // From now on /readyz answers 503, so load balancers stop sending work here.
  void begin_shutdown();

  // Reads the queue counts every few seconds until shutdown, for GET /queues's last-minute
  // figures.
  awaitable<void> sample_queues_periodically();

  // This thread's request and Redis client figures.
  MetricsSnapshot metrics_snapshot() const;
  // The whole process's: every thread's, summed, with --threads; else this thread's.
  awaitable<MetricsSnapshot> process_metrics() const;
  // With --threads: the process's threads, whose figures GET /metrics sums.
  void set_threads(const ServerThreads* threads) { threads_ = threads; }

  Broker& broker() { return broker_; }
  const AccessPolicy& access() const { return access_; }
  StatsFeed& stats_feed() { return stats_feed_; }

 private:
  awaitable<Response> answer(Request request, std::string_view& route_label, bool authorized);
  awaitable<Response> dispatch(const RouteMatch& match, Request request,
                               boost::urls::url_view target);

  Broker& broker_;
  AdvertisedTypes types_;
  ApiSettings settings_;
  AccessPolicy access_;
  bool shutting_down_ = false;
  HttpMetrics http_metrics_;
  const ServerThreads* threads_ = nullptr;
  QueueRates queue_rates_;
  std::function<void()> stop_sampling_;
  StatsFeed stats_feed_{*this};
};

}  // namespace coqueue::server
