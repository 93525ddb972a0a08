#include "core/queue/completion_hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coqueue {

CompletionHub::CompletionHub(executor ex) : ex_(std::move(ex)) {}

CompletionHub::Subscription::Subscription(CompletionHub& hub, std::string job_id)
    : hub_(hub), waiter_(std::make_unique<Waiter>(hub.ex_, std::move(job_id))) {
  hub_.waiters_.emplace(waiter_->job_id, waiter_.get());
}

CompletionHub::Subscription::~Subscription() {
  auto [first, last] = hub_.waiters_.equal_range(waiter_->job_id);
  for (auto it = first; it != last; ++it) {
    if (it->second == waiter_.get()) {
      hub_.waiters_.erase(it);
      break;
    }
  }
}

awaitable<bool> CompletionHub::Subscription::wait_until(SteadyTime deadline) {
  if (waiter_->notified) co_return true;
  waiter_->timer.expires_at(deadline);
  co_await waiter_->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return waiter_->notified;
}

CompletionHub::Observer::Observer(CompletionHub& hub, ObserverFn fn)
    : hub_(hub), position_(hub.observers_.insert(hub.observers_.end(), std::move(fn))) {}

CompletionHub::Observer::~Observer() {
  hub_.observers_.erase(position_);
}

void CompletionHub::notify(std::string_view job_id, std::string_view queue, std::string_view note) {
  auto [first, last] = waiters_.equal_range(job_id);
  for (auto it = first; it != last; ++it) {
    it->second->notified = true;
    it->second->note.assign(note);
    it->second->timer.cancel();
  }
  // Observers must not add or remove observers from inside the call.
  for (const ObserverFn& fn : observers_) fn(job_id, queue, true);
}

void CompletionHub::notify_changed(std::string_view job_id, std::string_view queue) {
  for (const ObserverFn& fn : observers_) fn(job_id, queue, false);
}

void CompletionHub::notify_all() {
  ++missed_generation_;
  for (auto& [id, waiter] : waiters_) {
    waiter->notified = true;
    waiter->timer.cancel();
  }
  for (const ObserverFn& fn : observers_) fn({}, {}, true);
}

}  // namespace coqueue
