#pragma once
// Wakes the requests that wait for a job to finish. A waiter subscribes to a job id before it
// reads the job, so a completion between the read and the wait is never missed; the backend
// calls notify() when a job reaches a terminal status. No polling: each waiter sleeps on its own
// timer, which notify() cancels. The hub remembers the last few thousand ends, so a waiter that
// could only subscribe after its job ended (a job submitted and waited for in one request)
// still hears of it. An end may come with a note on the run (the Redis backend announces one
// for most completions: end_note.hpp), from which the waiter makes the finished record without
// reading the job back.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
    // Woken at once when the job is among the ends remembered, unless `heed_recent_ends` is
    // false (for a waiter that has just read the job and seen it not ended).
    Subscription(CompletionHub& hub, std::string job_id, bool heed_recent_ends = true);
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
  struct End {
    std::string job_id;
    std::string note;  // empty when it came without one, or a longer one than remembered
  };

  // Lookups by string_view, so notify() builds no string to find a job's waiters.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };

  executor ex_;
  void remember_end(std::string_view job_id, std::string_view note);

  static constexpr std::size_t remembered_ends = 4096;
  static constexpr std::size_t max_remembered_note = 2048;  // bounds the ring at ~8 MiB
  std::unordered_multimap<std::string, Waiter*, IdHash, std::equal_to<>> waiters_;
  std::list<ObserverFn> observers_;
  // The ends remembered: a ring whose strings keep their capacity (no allocation per end once
  // it has gone round), and the slot of each id, by a view of the id in its slot.
  std::vector<End> recent_ring_ = std::vector<End>(remembered_ends);
  std::size_t recent_next_ = 0;  // the slot the next end overwrites: the oldest
  std::unordered_map<std::string_view, std::size_t> recent_ends_;
  std::uint64_t missed_generation_ = 0;
};

}  // namespace coqueue
