#include "core/queue/completion_hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coqueue {

CompletionHub::CompletionHub(executor ex) : ex_(std::move(ex)) {
  recent_ends_.reserve(remembered_ends);
}

CompletionHub::Subscription::Subscription(CompletionHub& hub, std::string job_id,
                                          bool heed_recent_ends)
    : hub_(hub), waiter_(std::make_unique<Waiter>(hub.ex_, std::move(job_id))) {
  hub_.waiters_.emplace(waiter_->job_id, waiter_.get());
  if (!heed_recent_ends) return;
  const auto end = hub_.recent_ends_.find(waiter_->job_id);
  if (end == hub_.recent_ends_.end()) return;
  waiter_->notified = true;
  waiter_->note = hub_.recent_ring_[end->second].note;
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

void CompletionHub::remember_end(std::string_view job_id, std::string_view note) {
  if (note.size() > max_remembered_note) note = {};
  if (const auto known = recent_ends_.find(job_id); known != recent_ends_.end()) {
    recent_ring_[known->second].note.assign(note);  // the latest end's word
    return;
  }
  End& slot = recent_ring_[recent_next_];
  // Every slot holds a distinct id that the map knows: once all are in use, the oldest goes.
  if (recent_ends_.size() == remembered_ends) recent_ends_.erase(slot.job_id);
  slot.job_id.assign(job_id);
  slot.note.assign(note);
  recent_ends_.emplace(slot.job_id, recent_next_);
  recent_next_ = (recent_next_ + 1) % remembered_ends;
}

void CompletionHub::notify(std::string_view job_id, std::string_view queue, std::string_view note) {
  remember_end(job_id, note);
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
