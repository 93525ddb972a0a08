#pragma once
// Pub/sub on a connection of its own. Any number of coroutines subscribe to channels or
// patterns and wait for messages; the subscriber sends SUBSCRIBE/PSUBSCRIBE when the first
// subscription to a name appears and UNSUBSCRIBE when the last goes. After a reconnect it
// subscribes again to everything and hands every subscription a gap: messages published while
// the link was down are lost, so its owner should re-check whatever it was waiting for.

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/steady_timer.hpp>

#include "core/redis/config.hpp"
#include "core/support/awaitable.hpp"
#include "core/support/time.hpp"

namespace coqueue::redis {

struct Message {
  std::string channel;
  std::string pattern;  // the pattern that matched, for psubscribe; empty otherwise
  std::string payload;
};

// Messages may have been missed: after a reconnect, or when a subscription's buffer overflowed.
struct Gap {};

using SubscriberEvent = std::variant<Message, Gap>;

class Subscriber {
  class Impl;

 public:
  Subscriber(executor ex, Config config);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void start();
  void close();
  bool connected() const;

  class Subscription {
   public:
    Subscription(std::shared_ptr<Impl> owner, std::string name, bool pattern,
                 std::size_t max_buffered);
    ~Subscription();  // the last subscription to a name unsubscribes it
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // The next event, or nothing when the deadline passes first.
    awaitable<std::optional<SubscriberEvent>> next(SteadyTime deadline);

    const std::string& name() const { return name_; }
    bool is_pattern() const { return pattern_; }

   private:
    friend class Impl;
    void deliver(SubscriberEvent event);

    std::shared_ptr<Impl> owner_;
    std::string name_;
    bool pattern_;
    std::size_t max_buffered_;
    std::deque<SubscriberEvent> buffered_;
    bool overflowed_ = false;
    asio::steady_timer wake_;
  };

  // At most `max_buffered` events wait unread; past that the oldest are dropped and a Gap
  // takes their place, so a slow reader costs bounded memory.
  std::unique_ptr<Subscription> subscribe(std::string channel, std::size_t max_buffered = 4096);
  std::unique_ptr<Subscription> psubscribe(std::string pattern, std::size_t max_buffered = 4096);

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace coqueue::redis
