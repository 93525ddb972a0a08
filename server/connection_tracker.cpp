#include "server/connection_tracker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace coqueue::server {

ConnectionTracker::ConnectionTracker(executor ex) : emptied_(std::move(ex)) {}

ConnectionTracker::Handle::Handle(ConnectionTracker& tracker, Closer close)
    : tracker_(tracker), entry_(std::make_unique<Entry>()) {
  entry_->close = std::move(close);
  ++tracker_.count_;
}

ConnectionTracker::Handle::~Handle() {
  set_idle(false);
  if (--tracker_.count_ == 0) tracker_.emptied_.cancel();
}

void ConnectionTracker::Handle::set_idle(bool idle) {
  if (idle == entry_->idle) return;
  entry_->idle = idle;
  if (idle) {
    entry_->idle_position = tracker_.idle_.insert(tracker_.idle_.end(), entry_.get());
  } else {
    tracker_.idle_.erase(entry_->idle_position);
  }
}

bool ConnectionTracker::close_oldest_idle() {
  if (idle_.empty()) return false;
  Entry* oldest = idle_.front();
  idle_.pop_front();
  oldest->idle = false;
  oldest->close();
  return true;
}

void ConnectionTracker::close_all_idle() {
  while (close_oldest_idle()) {
  }
}

awaitable<void> ConnectionTracker::wait_empty(SteadyTime deadline) {
  while (count_ > 0 && std::chrono::steady_clock::now() < deadline) {
    emptied_.expires_at(deadline);
    co_await emptied_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace coqueue::server
