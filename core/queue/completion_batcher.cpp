#include "core/queue/completion_batcher.hpp"

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/queue/queue_errc.hpp"
#include "core/queue/queue_scripts.hpp"
#include "core/queue/redis_keys.hpp"
#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"
#include "core/support/time.hpp"

namespace coqueue {

CompletionBatcher::CompletionBatcher(executor ex, redis::Connection& conn, Settings settings)
    : ex_(ex),
      conn_(conn),
      settings_(settings),
      script_("complete", std::string(scripts::complete_lua)) {}

awaitable<bool> CompletionBatcher::complete(std::string queue, std::string id, std::string worker,
                                            std::string run, std::string result_json, bool note) {
  if (!*alive_) throw std::system_error(make_error_code(redis::redis_errc::closed), "complete");
  asio::steady_timer wake(ex_, SteadyTime::max());
  Item item;
  item.id = std::move(id);
  item.worker = std::move(worker);
  item.run = std::move(run);
  item.result = std::move(result_json);
  item.note = note;
  item.wake = &wake;
  Queue& q = queues_[queue];
  q.waiting.push_back(&item);
  if (!q.flushing) {
    q.flushing = true;
    asio::co_spawn(ex_, flush(queue, alive_), asio::detached);
  }
  while (!item.done) co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
  if (item.error) throw std::system_error(item.error, "redis script complete");
  co_return item.verdict == 1;
}

void CompletionBatcher::finish(Item& item, int verdict, std::error_code error) {
  item.verdict = verdict;
  item.error = error;
  item.done = true;
  item.wake->cancel();
}

awaitable<void> CompletionBatcher::flush(std::string queue, std::shared_ptr<bool> alive) {
  for (;;) {
    if (!*alive) co_return;     // close() woke everyone
    Queue& q = queues_[queue];  // entries are never erased: the reference outlives the awaits
    if (q.waiting.empty()) {
      q.flushing = false;
      co_return;
    }
    std::vector<Item*> batch;
    while (!q.waiting.empty() && batch.size() < settings_.max_batch) {
      batch.push_back(q.waiting.front());
      q.waiting.pop_front();
    }
    const std::string now = std::to_string(unix_millis(std::chrono::system_clock::now()));
    std::vector<std::string> script_keys{keys::counts(queue), keys::expiring(queue)};
    std::vector<std::string> script_args{now, std::to_string(settings_.result_ttl.count()),
                                         keys::done_channel(queue)};
    script_keys.reserve(2 + 2 * batch.size());
    script_args.reserve(3 + 5 * batch.size());
    for (const Item* item : batch) {
      script_keys.push_back(keys::job(queue, item->id));
      script_keys.push_back(keys::processing(queue, item->worker));
      script_args.push_back(item->id);
      script_args.push_back(item->worker);
      script_args.push_back(item->run);
      script_args.push_back(item->result);
      script_args.push_back(item->note ? "1" : "");
    }
    const redis::ExecResult result = co_await script_.run(
        conn_, std::move(script_keys), std::move(script_args), settings_.request_timeout);
    if (!*alive) {
      for (Item* item : batch) finish(*item, -1, make_error_code(redis::redis_errc::closed));
      co_return;
    }
    // Redis not reached, or it could not serve (nothing ran): the callers retry (settle() does).
    std::error_code failed = result ? std::error_code{} : result.error();
    if (!failed && redis::is_transient_error(result->back())) {
      failed = make_error_code(redis::redis_errc::server_busy);
    }
    if (failed) {
      for (Item* item : batch) finish(*item, -1, failed);
      continue;
    }
    const redis::RespValue& reply = result->back();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const bool ok = !reply.is_error() && i < reply.elements.size();
      const int verdict = ok ? static_cast<int>(reply.elements[i].integer) : -1;
      finish(*batch[i], verdict,
             ok ? std::error_code{} : make_error_code(redis::redis_errc::protocol_error));
    }
    if (reply.is_error()) log::error("queue.complete_failed", {{"reply", reply.text}});
  }
}

void CompletionBatcher::close() {
  *alive_ = false;
  for (auto& [name, q] : queues_) {
    for (Item* item : q.waiting) finish(*item, -1, make_error_code(redis::redis_errc::closed));
    q.waiting.clear();
    q.flushing = false;
  }
}

}  // namespace coqueue
