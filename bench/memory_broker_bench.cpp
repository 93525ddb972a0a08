// A job's whole life in the embedded broker: enqueue, claim, complete. Run as one coroutine on
// one io_context, the way the server drives it, so the figure is the broker's own cost per job.

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/queue/memory_broker.hpp"

namespace {

using namespace coqueue;

awaitable<void> lifecycle(MemoryBroker& broker, std::int64_t jobs, std::size_t batch) {
  const std::vector<std::string> queues{"default"};
  for (std::int64_t done = 0; done < jobs; done += static_cast<std::int64_t>(batch)) {
    for (std::size_t i = 0; i < batch; ++i) {
      JobSpec spec;
      spec.type = "echo";
      spec.payload = {{"n", i}};
      co_await broker.enqueue(std::move(spec));
    }
    for (std::size_t i = 0; i < batch; ++i) {
      auto job = co_await broker.claim(queues, "bench", std::chrono::milliseconds(0));
      co_await broker.complete(job->id, "bench", job->payload);
    }
  }
}

void BM_MemoryBrokerLifecycle(benchmark::State& state) {
  asio::io_context io;
  MemoryBrokerSettings settings;
  settings.max_finished_jobs = 10'000;  // steady state: every new job evicts an old one
  MemoryBroker broker(io.get_executor(), settings);
  const auto batch = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    asio::co_spawn(io, lifecycle(broker, static_cast<std::int64_t>(batch), batch), asio::detached);
    io.restart();
    io.run();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}
BENCHMARK(BM_MemoryBrokerLifecycle)->Arg(1)->Arg(100);

}  // namespace
