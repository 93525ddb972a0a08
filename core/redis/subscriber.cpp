#include "core/redis/subscriber.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/redis/connection.hpp"
#include "core/support/log.hpp"

namespace coqueue::redis {

class Subscriber::Impl : public std::enable_shared_from_this<Subscriber::Impl> {
 public:
  Impl(executor ex, Config config) : ex_(ex), conn_(ex, std::move(config)) {
    conn_.on_push([this](RespValue&& push) { on_push(std::move(push)); });
    conn_.on_connect([this] { on_connect(); });
  }

  void start() { conn_.start(); }
  void close() { conn_.close(); }
  bool connected() const { return conn_.connected(); }
  executor get_executor() const { return ex_; }

  void add(Subscription* s) {
    auto& members = (s->is_pattern() ? patterns_ : channels_)[s->name()];
    members.push_back(s);
    if (members.size() == 1) send(s->is_pattern() ? "PSUBSCRIBE" : "SUBSCRIBE", {s->name()});
  }

  void remove(Subscription* s) {
    auto& topics = s->is_pattern() ? patterns_ : channels_;
    const auto it = topics.find(s->name());
    if (it == topics.end()) return;
    std::erase(it->second, s);
    if (it->second.empty()) {
      topics.erase(it);
      send(s->is_pattern() ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", {s->name()});
    }
  }

 private:
  // Sends a (P)(UN)SUBSCRIBE for these names; with `then_gap`, every subscription gets a Gap
  // once Redis has confirmed it, as from then on no message can slip by unseen.
  void send(std::string_view command, std::vector<std::string> names, bool then_gap = false) {
    if (names.empty()) return;
    Request r;
    r.push_range(command, names);
    asio::co_spawn(ex_, send_request(shared_from_this(), std::move(r), names.size(), then_gap),
                   asio::detached);
  }

  awaitable<void> send_request(std::shared_ptr<Impl> self, Request r, std::size_t names,
                               bool then_gap) {
    const ExecResult result =
        co_await conn_.exec_confirmed(std::move(r), names, conn_.config().request_timeout);
    if (!result) {
      // Not confirmed: on_connect subscribes again to everything current when the link returns.
      log::debug("redis.subscribe_deferred", {{"error", result.error().message()}});
      co_return;
    }
    if (!result->empty() && result->front().is_error()) {
      log::error("redis.subscribe_refused", {{"reply", result->front().text}});
      co_return;
    }
    if (then_gap) self->deliver_gap_to_all();
  }

  void deliver_gap_to_all() {
    for (auto* topics : {&channels_, &patterns_}) {
      for (auto& [name, members] : *topics) {
        for (Subscription* s : members) s->deliver(Gap{});
      }
    }
  }

  void on_connect() {
    const bool reconnect = ++connects_ > 1;
    // One command per name: Redis refuses a whole SUBSCRIBE when one of its names is not
    // allowed (ACL), and that must not cost the others. After a reconnect the Gap goes out once
    // the last of them is confirmed (one link, so in order): from then on nothing can slip by.
    std::vector<std::pair<const char*, std::string>> all;
    for (const auto& [name, members] : channels_) all.emplace_back("SUBSCRIBE", name);
    for (const auto& [name, members] : patterns_) all.emplace_back("PSUBSCRIBE", name);
    for (std::size_t i = 0; i < all.size(); ++i) {
      send(all[i].first, {all[i].second}, reconnect && i + 1 == all.size());
    }
  }

  void on_push(RespValue&& push) {
    auto& e = push.elements;
    if (e.size() == 3 && e[0].text == "message") {
      const Message m{std::move(e[1].text), {}, std::move(e[2].text)};
      dispatch(channels_, m.channel, m);
    } else if (e.size() == 4 && e[0].text == "pmessage") {
      const Message m{std::move(e[2].text), std::move(e[1].text), std::move(e[3].text)};
      dispatch(patterns_, m.pattern, m);
    }
    // subscribe/unsubscribe confirmations need nothing
  }

  void dispatch(std::map<std::string, std::vector<Subscription*>, std::less<>>& topics,
                std::string_view name, const Message& message) {
    const auto it = topics.find(name);
    if (it == topics.end()) return;
    for (Subscription* s : it->second) s->deliver(message);
  }

  executor ex_;
  Connection conn_;
  std::map<std::string, std::vector<Subscription*>, std::less<>> channels_;
  std::map<std::string, std::vector<Subscription*>, std::less<>> patterns_;
  std::uint64_t connects_ = 0;
};

Subscriber::Subscriber(executor ex, Config config)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(config))) {}

Subscriber::~Subscriber() {
  impl_->close();
}

void Subscriber::start() {
  impl_->start();
}
void Subscriber::close() {
  impl_->close();
}
bool Subscriber::connected() const {
  return impl_->connected();
}

std::unique_ptr<Subscriber::Subscription> Subscriber::subscribe(std::string channel,
                                                                std::size_t max_buffered) {
  return std::make_unique<Subscription>(impl_, std::move(channel), false, max_buffered);
}

std::unique_ptr<Subscriber::Subscription> Subscriber::psubscribe(std::string pattern,
                                                                 std::size_t max_buffered) {
  return std::make_unique<Subscription>(impl_, std::move(pattern), true, max_buffered);
}

Subscriber::Subscription::Subscription(std::shared_ptr<Impl> owner, std::string name, bool pattern,
                                       std::size_t max_buffered)
    : owner_(std::move(owner)),
      name_(std::move(name)),
      pattern_(pattern),
      max_buffered_(std::max<std::size_t>(max_buffered, 1)),
      wake_(owner_->get_executor()) {
  owner_->add(this);
}

Subscriber::Subscription::~Subscription() {
  owner_->remove(this);
}

void Subscriber::Subscription::deliver(SubscriberEvent event) {
  if (buffered_.size() >= max_buffered_) {
    buffered_.pop_front();
    overflowed_ = true;
  }
  buffered_.push_back(std::move(event));
  wake_.cancel();
}

awaitable<std::optional<SubscriberEvent>> Subscriber::Subscription::next(SteadyTime deadline) {
  if (overflowed_) {
    overflowed_ = false;
    co_return SubscriberEvent{Gap{}};
  }
  if (buffered_.empty()) {
    wake_.expires_at(deadline);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (overflowed_) {
      overflowed_ = false;
      co_return SubscriberEvent{Gap{}};
    }
    if (buffered_.empty()) co_return std::nullopt;
  }
  SubscriberEvent event = std::move(buffered_.front());
  buffered_.pop_front();
  co_return event;
}

}  // namespace coqueue::redis
