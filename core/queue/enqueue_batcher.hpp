#pragma once
// Submits single jobs in batches: while one enqueue.lua call for a queue is on the wire, the
// submissions of that queue that arrive meanwhile wait, and then go together in the next call
// (one round trip and one script run for up to `max_batch` jobs). A lone submission on an idle
// queue goes at once, so batching costs no latency. Each caller gets its own outcome, exactly
// as if it had been sent alone: the script takes the jobs in order, so an idempotency key or
// the queue's cap sees the earlier jobs of the same batch.

#include <cstddef>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"
#include "core/support/parked_caller.hpp"

namespace coqueue {

class EnqueueBatcher {
 public:
  // Sends jobs of one queue in one call and answers each, in order (RedisBroker's
  // enqueue_batch). It may throw; every caller of that batch then gets the exception.
  using SendBatch = std::function<awaitable<std::vector<EnqueueOutcome>>(std::vector<JobSpec>)>;

  EnqueueBatcher(executor ex, SendBatch send, std::size_t max_batch);

  awaitable<EnqueueOutcome> enqueue(JobSpec spec);

  // Wakes every waiting caller with an error (the broker is closing).
  void close();

 private:
  struct Item {
    JobSpec spec;
    std::optional<EnqueueOutcome> outcome;
    std::exception_ptr error;
    ParkedCaller caller;
  };
  struct Queue {
    std::list<Item*> waiting;
    bool flushing = false;
  };

  // The outcomes of one call, or what it threw.
  struct Sent {
    std::vector<EnqueueOutcome> outcomes;
    std::exception_ptr error;
  };
  awaitable<Sent> send(std::vector<JobSpec> specs);
  // After a call of the queue is back: the next batch goes, or the queue is idle again.
  void hand_over(const std::string& queue);
  awaitable<void> flush(std::string queue, std::shared_ptr<bool> alive);
  void finish(Item& item);

  executor ex_;
  SendBatch send_;
  std::size_t max_batch_;
  std::unordered_map<std::string, Queue> queues_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace coqueue
