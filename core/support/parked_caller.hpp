#pragma once
// A coroutine suspended until something else decides it may go on: holds its completion
// handler in place (no allocation) and resumes it either at once, on the resumer's stack, or
// through the scheduler. The handler clears the caller's cancellation slot when it runs.
//
//   ParkedCaller caller;
//   co_await asio::async_initiate<decltype(asio::use_awaitable), void()>(
//       [&](auto handler) { caller.park(std::move(handler)); }, asio::use_awaitable);
//   ...elsewhere: caller.resume_now();
//
// Not asio::any_completion_handler: Boost 1.81's, used this way, recursed without end and
// crashed.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include <boost/asio/post.hpp>

#include "core/support/awaitable.hpp"

namespace coqueue {

class ParkedCaller {
 public:
  ParkedCaller() = default;
  ParkedCaller(const ParkedCaller&) = delete;
  ParkedCaller& operator=(const ParkedCaller&) = delete;
  ~ParkedCaller() {
    if (parked_ != nullptr) parked_->destroy();
  }

  template <class Handler>
  void park(Handler&& handler) {
    using Held = Parked<std::decay_t<Handler>>;
    static_assert(sizeof(Held) <= sizeof(storage_), "a completion handler larger than expected");
    static_assert(alignof(Held) <= alignof(std::max_align_t));
    if (parked_ != nullptr) parked_->destroy();
    parked_ = new (storage_) Held(std::forward<Handler>(handler));
  }

  // Runs the caller now, on this stack. Only for a caller that runs on this thread's executor
  // (what the resumer's owner requires of its callers), as it skips the executor.
  void resume_now() {
    if (parked_ != nullptr) std::exchange(parked_, nullptr)->resume(nullptr);
  }
  // Queues the caller on `ex`, for when the resumer is in the middle of something.
  void resume_later(const executor& ex) {
    if (parked_ != nullptr) std::exchange(parked_, nullptr)->resume(&ex);
  }

 private:
  struct Base {
    virtual void resume(const executor* later) = 0;  // and destroys itself
    virtual void destroy() = 0;

   protected:
    ~Base() = default;  // destroyed through destroy() and resume() only
  };
  template <class Handler>
  struct Parked final : Base {
    explicit Parked(Handler&& h) : handler(std::move(h)) {}
    void resume(const executor* later) override {
      Handler h = std::move(handler);
      this->~Parked();
      if (later != nullptr) {
        asio::post(*later, std::move(h));
      } else {
        std::move(h)();
      }
    }
    void destroy() override { this->~Parked(); }
    Handler handler;
  };

  alignas(std::max_align_t) std::byte storage_[96];
  Base* parked_ = nullptr;
};

}  // namespace coqueue
