#include "core/queue/enqueue_batcher.hpp"

#include <stdexcept>
#include <system_error>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/redis/redis_errc.hpp"

namespace coqueue {
namespace {

std::exception_ptr closed_error() {
  return std::make_exception_ptr(
      std::system_error(make_error_code(redis::redis_errc::closed), "enqueue"));
}

std::exception_ptr bad_reply_error() {
  return std::make_exception_ptr(std::runtime_error("enqueue: bad reply"));
}

}  // namespace

EnqueueBatcher::EnqueueBatcher(executor ex, SendBatch send, std::size_t max_batch)
    : ex_(std::move(ex)), send_(std::move(send)), max_batch_(max_batch) {}

awaitable<EnqueueOutcome> EnqueueBatcher::enqueue(JobSpec spec) {
  if (!*alive_) std::rethrow_exception(closed_error());
  const std::string queue = spec.queue;
  Queue& q = queues_[queue];
  if (!q.flushing) {
    // Nothing of this queue on the wire: go now, alone, from this coroutine (no extra hop).
    // Whoever arrives meanwhile waits, and goes in one batch when this call is back.
    q.flushing = true;
    std::vector<JobSpec> alone;
    alone.push_back(std::move(spec));
    Sent sent = co_await send(std::move(alone));
    if (*alive_) hand_over(queue);
    if (sent.error) std::rethrow_exception(sent.error);
    if (sent.outcomes.size() != 1) std::rethrow_exception(bad_reply_error());
    co_return std::move(sent.outcomes.front());
  }
  Item item;
  item.spec = std::move(spec);
  q.waiting.push_back(&item);
  co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
      [&item](auto handler) { item.caller.park(std::move(handler)); }, asio::use_awaitable);
  if (item.error) std::rethrow_exception(item.error);
  co_return std::move(*item.outcome);
}

awaitable<EnqueueBatcher::Sent> EnqueueBatcher::send(std::vector<JobSpec> specs) {
  Sent sent;
  try {
    sent.outcomes = co_await send_(std::move(specs));
  } catch (...) {
    sent.error = std::current_exception();
  }
  co_return sent;
}

void EnqueueBatcher::hand_over(const std::string& queue) {
  Queue& q = queues_[queue];
  if (q.waiting.empty()) {
    q.flushing = false;
  } else {
    asio::co_spawn(ex_, flush(queue, alive_), asio::detached);
  }
}

void EnqueueBatcher::finish(Item& item) {
  // The caller runs on this executor: resume it here. It may destroy `item` before this
  // returns, so nothing touches it after.
  item.caller.resume_now();
}

awaitable<void> EnqueueBatcher::flush(std::string queue, std::shared_ptr<bool> alive) {
  for (;;) {
    if (!*alive) co_return;     // close() woke everyone
    Queue& q = queues_[queue];  // entries are never erased: the reference outlives the awaits
    if (q.waiting.empty()) {
      q.flushing = false;
      co_return;
    }
    std::vector<Item*> batch;
    std::vector<JobSpec> specs;
    while (!q.waiting.empty() && batch.size() < max_batch_) {
      batch.push_back(q.waiting.front());
      q.waiting.pop_front();
      specs.push_back(std::move(batch.back()->spec));
    }
    Sent sent = co_await send(std::move(specs));
    std::vector<EnqueueOutcome>& outcomes = sent.outcomes;
    const std::exception_ptr error = *alive ? sent.error : closed_error();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Item& item = *batch[i];
      if (error || i >= outcomes.size()) {
        item.error = error ? error : bad_reply_error();
      } else {
        item.outcome = std::move(outcomes[i]);
      }
      finish(item);
    }
    if (!*alive) co_return;
  }
}

void EnqueueBatcher::close() {
  *alive_ = false;
  const std::exception_ptr closed = closed_error();
  for (auto& [name, q] : queues_) {
    std::list<Item*> waiting = std::exchange(q.waiting, {});
    q.flushing = false;
    for (Item* item : waiting) {
      item->error = closed;
      finish(*item);
    }
  }
}

}  // namespace coqueue
