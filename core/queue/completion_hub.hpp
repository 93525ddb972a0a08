#pragma once
// Wakes the requests that wait for a job to finish. A waiter subscribes to a job id before it
// could miss the end: before it reads the job, or before the job exists (a request that submits
// a job and waits for it takes the job's id first); the backend calls notify() when a job
// reaches a terminal status. No polling: each waiter sleeps on its own timer, which notify()
// cancels. An end may come with a note on the run (the Redis backend announces one for most
// completions: end_note.hpp), from which the waiter makes the finished record without reading
// the job back.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>

#include "core/support/awaitable.hpp"
#include "core/support/time.hpp"

namespace coqueue {

class CompletionHub {
  struct Waiter;

 public:
  explicit CompletionHub(executor ex);

  class Subscription {
   public:
    Subscription(CompletionHub& hub, std::string job_id);
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // True when woken by notify(), false when the deadline passed first.
    awaitable<bool> wait_until(SteadyTime deadline);
    // The note on the run that came with the end (end_note.hpp); empty when the end came
    // without one, or has not come.
    const std::string& note() const { return waiter_->note; }

   private:
    CompletionHub& hub_;
    std::unique_ptr<Waiter> waiter_;
  };

  // Called for every job whose record changes, with its queue (empty when the backend does not
  // say) and whether it reached a terminal status; with two empty strings (and `ended`) when
  // notifications may have been missed. WebSocket sessions observe so, for the jobs and queues
  // they follow. Called from inside the broker's state changes: an observer must not touch the
  // broker there, only note or post work for later.
  using ObserverFn =
      std::function<void(std::string_view job_id, std::string_view queue, bool ended)>;
  class Observer {
   public:
    Observer(CompletionHub& hub, ObserverFn fn);
    ~Observer();
    Observer(const Observer&) = delete;
    Observer& operator=(const Observer&) = delete;

   private:
    CompletionHub& hub_;
    std::list<ObserverFn>::iterator position_;
  };

  // A job reached a terminal status: wake everyone waiting for it, tell every observer.
  // `note`, when not empty, is the note on the run that ended it, handed to its waiters.
  void notify(std::string_view job_id, std::string_view queue = {}, std::string_view note = {});
  // A job's record changed without an end (a run started, a retry was scheduled, progress):
  // observers only; waiters wait for ends.
  void notify_changed(std::string_view job_id, std::string_view queue);
  // Wake every waiter to look again (at shutdown, or when notifications may have been missed).
  void notify_all();

  std::size_t waiting() const { return waiters_.size(); }
  // How many times notify_all() ran: a waiter that saw this change may have missed its end.
  std::uint64_t missed_generation() const { return missed_generation_; }

 private:
  struct Waiter {
    Waiter(executor ex, std::string id) : timer(std::move(ex)), job_id(std::move(id)) {}
    asio::steady_timer timer;
    std::string job_id;
    std::string note;
    bool notified = false;
  };

  // Lookups by string_view, so notify() builds no string to find a job's waiters.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };

  executor ex_;
  std::unordered_multimap<std::string, Waiter*, IdHash, std::equal_to<>> waiters_;
  std::list<ObserverFn> observers_;
  std::uint64_t missed_generation_ = 0;
};

}  // namespace coqueue
