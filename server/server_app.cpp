#include "server/server_app.hpp"

#include <boost/asio/co_spawn.hpp>

#include "core/support/log.hpp"
#include "worker/builtin/builtin.hpp"

namespace coqueue::server {
namespace {

asio::ip::tcp::endpoint endpoint_of(const ServerConfig& config) {
  const std::string host = config.listen_host == "localhost" ? "127.0.0.1" : config.listen_host;
  return {asio::ip::make_address(host), config.listen_port};
}

}  // namespace

ServerApp::ServerApp(asio::io_context& io, ServerConfig config, worker::CpuPool& cpu)
    : config_(std::move(config)), ex_(io.get_executor()), cpu_(cpu), tracker_(ex_) {
  worker::builtin::register_all(registry_);
  if (config_.backend == "redis") {
    auto redis = std::make_unique<RedisBroker>(ex_, config_.redis);
    redis_ = redis.get();
    broker_ = std::move(redis);
  } else {
    auto memory = std::make_unique<MemoryBroker>(ex_, config_.memory);
    memory_ = memory.get();
    broker_ = std::move(memory);
  }
  if (config_.workers > 0) {
    worker::ProcessorSettings settings;
    settings.worker_id = "embedded-" + log::settings().instance;
    settings.queues = config_.queues;
    settings.concurrency = config_.workers;
    processor_ = std::make_unique<worker::Processor>(ex_, *broker_, registry_, cpu_, settings);
  }
  api_ = std::make_unique<Api>(*broker_, registry_, config_.api, config_.access);
  sessions_ =
      std::make_unique<SessionContext>(SessionContext{*api_, tracker_, config_.http, stopping_});
  listener_ = std::make_unique<Listener>(ex_, endpoint_of(config_), config_.reuse_port, *sessions_);
  if (memory_ != nullptr) scheduler_ = std::make_unique<Scheduler>(*broker_);
  if (!config_.alerts.url.empty()) {
    alerts_ = std::make_unique<AlertWebhook>(
        ex_, *broker_, config_.alerts,
        std::get<WebhookTarget>(parse_webhook_url(config_.alerts.url)));
  }
}

ServerApp::~ServerApp() = default;

void ServerApp::start() {
  if (redis_) redis_->start();
  if (processor_) processor_->start();
  asio::co_spawn(ex_, api_->sample_queues_periodically(), [](std::exception_ptr e) {
    if (e) log::error("server.queue_sampling_failed");
  });
  asio::co_spawn(ex_, api_->stats_feed().run(), [](std::exception_ptr e) {
    if (e) log::error("server.stats_feed_failed");
  });
  if (scheduler_) {
    asio::co_spawn(ex_, scheduler_->run(), [](std::exception_ptr e) {
      if (e) log::error("server.scheduler_failed");
    });
  }
  if (alerts_) {
    asio::co_spawn(ex_, alerts_->run(), [](std::exception_ptr e) {
      if (e) log::error("server.alerts_failed");
    });
  }
  listener_->start();
}

awaitable<void> ServerApp::shutdown() {
  const SteadyTime deadline = std::chrono::steady_clock::now() + config_.grace;
  log::info("server.stopping", {{"connections", tracker_.size()},
                                {"jobs_in_flight", processor_ ? processor_->in_flight() : 0},
                                {"grace_ms", config_.grace.count()}});
  // 1. No new connections or requests; idle keep-alive connections close now.
  stopping_ = true;
  api_->begin_shutdown();
  if (alerts_) alerts_->stop();
  if (scheduler_) scheduler_->stop();
  listener_->stop();
  tracker_.close_all_idle();
  // 2. Workers run what is in flight, and in the embedded mode also what is already queued:
  //    there the queue lives in this process, so leaving it behind would lose it. On Redis the
  //    queue stays, for other workers.
  if (processor_) co_await processor_->shutdown(deadline, /*finish_queued=*/memory_ != nullptr);
  // 3. Requests still waiting for a job answer now with the job as it stands.
  broker_->completions().notify_all();
  co_await tracker_.wait_empty(deadline + std::chrono::seconds(1));
  if (redis_) redis_->close();
  log::info("server.stopped", {{"jobs_left_unfinished", memory_ ? memory_->unfinished_jobs() : 0},
                               {"connections_left", tracker_.size()}});
}

}  // namespace coqueue::server
