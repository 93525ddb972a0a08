#pragma once
// The composition root of coqueue-server: builds the broker, the in-process workers and the
// HTTP front, starts them, and stops them in a documented order (docs/architecture.md).

#include <memory>

#include <boost/asio/io_context.hpp>

#include "core/queue/memory_broker.hpp"
#include "core/queue/redis_broker.hpp"
#include "core/schedule/scheduler.hpp"
#include "server/api.hpp"
#include "server/connection_tracker.hpp"
#include "server/listener.hpp"
#include "server/server_config.hpp"
#include "server/server_threads.hpp"
#include "worker/cpu_pool.hpp"
#include "worker/processor.hpp"
#include "worker/registry.hpp"

namespace coqueue::server {

class ServerApp {
 public:
  // Binds the listening socket; throws when it cannot. `config.backend` is memory or redis
  // (main() resolves auto first).
  // `cpu`: the pool for CPU-heavy jobs of the in-process workers, shared by every thread.
  ServerApp(asio::io_context& io, ServerConfig config, worker::CpuPool& cpu);
  ~ServerApp();

  void start();
  unsigned short port() const { return listener_->port(); }
  executor get_executor() const { return ex_; }
  const Api& api() const { return *api_; }
  // With --threads: every thread of the process, for GET /metrics to sum.
  void join(const ServerThreads& threads) { api_->set_threads(&threads); }

  // Stop accepting, let in-flight requests and jobs finish within the grace period, then return.
  awaitable<void> shutdown();

 private:
  ServerConfig config_;
  executor ex_;
  worker::Registry registry_;
  worker::CpuPool& cpu_;
  std::unique_ptr<Broker> broker_;
  MemoryBroker* memory_ = nullptr;  // the same broker, when it is the embedded one
  RedisBroker* redis_ = nullptr;    // or the Redis one
  std::unique_ptr<worker::Processor> processor_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<AlertWebhook> alerts_;
  // The embedded mode fires its own schedules; on Redis the worker processes do.
  std::unique_ptr<Scheduler> scheduler_;
  ConnectionTracker tracker_;
  bool stopping_ = false;
  std::unique_ptr<SessionContext> sessions_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace coqueue::server
