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

void CompletionHub::notify(std::string_view job_id) {
  auto [first, last] = waiters_.equal_range(std::string(job_id));
  for (auto it = first; it != last; ++it) {
    it->second->notified = true;
    it->second->timer.cancel();
  }
}

void CompletionHub::notify_all() {
  for (auto& [id, waiter] : waiters_) {
    waiter->notified = true;
    waiter->timer.cancel();
  }
}

}  // namespace coqueue
