#include "core/redis/connection.hpp"

#include <algorithm>
#include <deque>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/redis/read_buffer.hpp"
#include "core/redis/redis_errc.hpp"
#include "core/redis/reply_builder.hpp"
#include "core/redis/resp_parser.hpp"
#include "core/support/log.hpp"

namespace coqueue::redis {
namespace {

using Clock = std::chrono::steady_clock;
using Socket = asio::generic::stream_protocol::socket;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_write_batch =
    1 << 20;  // bytes gathered into one write, at least one request

std::size_t log2_bucket(std::chrono::microseconds us, std::size_t buckets) {
  std::size_t b = 0;
  for (auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(us.count(), 0)); v > 0; v >>= 1)
    ++b;
  return std::min(b, buckets - 1);
}

}  // namespace

class Connection::Impl : public std::enable_shared_from_this<Connection::Impl> {
 public:
  Impl(executor ex, Config config)
      : config_(std::move(config)),
        ex_(ex),
        socket_(ex),
        writer_wake_(ex),
        reconnect_timer_(ex),
        rng_(std::random_device{}()) {}

  struct Pending {
    Pending(executor ex, Request r) : request(std::move(r)), timer(std::move(ex)) {}
    Request request;
    Replies replies;
    std::error_code error;
    asio::steady_timer timer;
    Clock::time_point written_at{};
    // SUBSCRIBE and friends: in RESP3 each name is confirmed by a push, not a reply. Such a
    // request completes after that many confirmations, or with an error reply (e.g. NOPERM).
    std::size_t confirmations = 0;
    bool abandoned = false;  // its caller gave up after it was written
    bool written = false;
    bool done = false;
  };

  void start(std::shared_ptr<Impl> self) {
    if (started_) return;
    started_ = true;
    asio::co_spawn(ex_, run(std::move(self)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        log::error("redis.connection_failed", {{"error", e.what()}});
      }
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    push_handler_ = nullptr;  // their owners may be going away with this close
    connect_handler_ = nullptr;
    boost::system::error_code ignored;
    socket_.close(ignored);
    reconnect_timer_.cancel();
    writer_wake_.cancel();
    for (auto& p : queue_) complete(*p, redis_errc::closed);
    queue_.clear();
    fail_in_flight(redis_errc::closed);
  }

  awaitable<ExecResult> exec(std::shared_ptr<Impl> self, Request request,
                             std::chrono::milliseconds timeout, std::size_t confirmations = 0) {
    if (closed_) co_return make_error_code(redis_errc::closed);
    if (request.commands() == 0) co_return Replies{};
    if (unreachable_ && !link_up_ && config_.fail_fast_when_unreachable) {
      co_return make_error_code(redis_errc::not_connected);
    }
    auto pending = std::make_shared<Pending>(ex_, std::move(request));
    pending->confirmations = confirmations;
    if (confirmations == 0) pending->replies.reserve(pending->request.commands());
    const auto deadline = Clock::now() + timeout;  // counts the write-through too
    queue_.push_back(pending);
    if (link_up_ && !writing_) {
      co_await flush();  // write-through: no hop through the write loop
    } else {
      writer_wake_.cancel();
    }

    // The replies may have come during the write-through, so look before sleeping.
    if (!pending->done) {
      boost::system::error_code ec;
      try {
        pending->timer.expires_at(deadline);
        std::tie(ec) = co_await pending->timer.async_wait(tuple_awaitable);
      } catch (const boost::system::system_error&) {
        ec = asio::error::operation_aborted;  // the caller was cancelled before the wait began
      }
      if (!pending->done) {
        // The deadline passed, or the caller cancelled: complete() did not wake us.
        pending->done = true;
        ++metrics_.timeouts;
        if (ec == asio::error::operation_aborted) {
          pending->error = redis_errc::cancelled;
        } else {
          pending->error = pending->written ? redis_errc::timeout : redis_errc::not_connected;
        }
        if (pending->written) {
          // It stays in the in-flight FIFO and its replies are dropped when they come.
          pending->abandoned = true;
        } else {
          queue_.erase(std::remove(queue_.begin(), queue_.end(), pending), queue_.end());
        }
      }
    }
    (void)self;
    if (pending->error) co_return pending->error;
    co_return std::move(pending->replies);
  }

  bool connected() const { return link_up_; }
  Metrics metrics_;
  Config config_;
  std::function<void(RespValue&&)> push_handler_;
  std::function<void()> connect_handler_;

 private:
  awaitable<void> run(std::shared_ptr<Impl> self) {
    using namespace asio::experimental::awaitable_operators;
    int failures = 0;
    while (!closed_) {
      const std::error_code ec = co_await connect_once();
      unreachable_ = ec.operator bool();
      if (!ec) {
        failures = 0;
        link_up_ = true;
        ++metrics_.connects;
        log::info("redis.connected", {{"endpoint", endpoint_text()}});
        if (connect_handler_) connect_handler_();
        try {
          co_await (read_loop(self) || write_loop(self) || health_loop(self));
        } catch (const std::exception& e) {
          log::debug("redis.link_loop_ended", {{"error", e.what()}});
        }
        link_up_ = false;
        ++metrics_.disconnects;
        boost::system::error_code ignored;
        socket_.close(ignored);
        fail_in_flight(redis_errc::connection_lost);
        if (!closed_) log::warn("redis.disconnected", {{"endpoint", endpoint_text()}});
      } else if (!closed_) {
        log::warn("redis.connect_failed", {{"endpoint", endpoint_text()}, {"error", ec.message()}});
        if (config_.fail_fast_when_unreachable) fail_queued(redis_errc::not_connected);
      }
      if (closed_) break;
      reconnect_timer_.expires_after(backoff(failures++));
      co_await reconnect_timer_.async_wait(tuple_awaitable);
    }
  }

  std::chrono::milliseconds backoff(int failures) {
    const double base = static_cast<double>(config_.reconnect_min.count()) *
                        static_cast<double>(1u << std::min(failures, 20));
    const double capped = std::min(base, static_cast<double>(config_.reconnect_max.count()));
    std::uniform_real_distribution<double> jitter(0.75, 1.25);
    return std::chrono::milliseconds(static_cast<long long>(capped * jitter(rng_)));
  }

  std::string endpoint_text() const {
    if (!config_.unix_path.empty()) return "unix:" + config_.unix_path;
    return config_.host + ":" + std::to_string(config_.port);
  }

  // Connects and runs the handshake, within config.connect_timeout.
  awaitable<std::error_code> connect_once() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    socket_ = Socket(ex_);
    parser_.reset();
    builder_ = ReplyBuilder{};
    read_buffer_.clear();

    // One timer bounds connect and handshake: when it fires it closes the socket, which ends
    // whatever operation is pending.
    asio::steady_timer deadline(ex_, config_.connect_timeout);
    bool timed_out = false;
    deadline.async_wait([this, &timed_out](boost::system::error_code ec) {
      if (ec) return;
      timed_out = true;
      boost::system::error_code ignore;
      socket_.close(ignore);
    });
    std::error_code result = co_await connect_and_greet();
    deadline.cancel();
    // Let the timer's handler run (it references this frame) before returning.
    asio::steady_timer settle(ex_, std::chrono::milliseconds(0));
    co_await settle.async_wait(tuple_awaitable);
    if (timed_out) result = make_error_code(std::errc::timed_out);
    co_return result;
  }

  awaitable<std::error_code> connect_and_greet() {
    if (!config_.unix_path.empty()) {
      const asio::local::stream_protocol::endpoint local(config_.unix_path);
      auto [ec] = co_await socket_.async_connect(asio::generic::stream_protocol::endpoint(local),
                                                 tuple_awaitable);
      if (ec) co_return ec;
    } else {
      asio::ip::tcp::resolver resolver(ex_);
      auto [rec, results] = co_await resolver.async_resolve(
          config_.host, std::to_string(config_.port), tuple_awaitable);
      if (rec) co_return rec;
      boost::system::error_code last = asio::error::host_not_found;
      for (const auto& entry : results) {
        boost::system::error_code ignored;
        socket_.close(ignored);
        auto [ec] = co_await socket_.async_connect(
            asio::generic::stream_protocol::endpoint(entry.endpoint()), tuple_awaitable);
        last = ec;
        if (!ec) break;
      }
      if (last) co_return last;
      boost::system::error_code ignored;
      socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
      socket_.set_option(asio::socket_base::keep_alive(true), ignored);
    }

    Request hello;
    std::vector<std::string> args{"3"};
    if (!config_.password.empty()) {
      args.insert(args.end(), {"AUTH", config_.username.empty() ? "default" : config_.username,
                               config_.password});
    }
    // Named after the process, so CLIENT LIST shows which server or worker holds a connection.
    const std::string name = config_.client_name.empty() ? "coqueue:" + log::settings().role + ":" +
                                                               log::settings().instance
                                                         : config_.client_name;
    args.insert(args.end(), {"SETNAME", name});
    hello.push_range("HELLO", args);
    if (config_.database != 0) hello.push("SELECT", config_.database);
    auto [wec, written] =
        co_await asio::async_write(socket_, asio::buffer(hello.payload()), tuple_awaitable);
    if (wec) co_return wec;

    for (std::size_t got = 0; got < hello.commands();) {
      std::optional<RespValue> reply;
      const std::error_code ec = co_await read_reply(reply);
      if (ec) co_return ec;
      if (reply->type == RespType::push) continue;
      if (reply->is_error()) {
        log::error("redis.handshake_refused",
                   {{"endpoint", endpoint_text()}, {"reply", reply->text}});
        co_return make_error_code(redis_errc::handshake_failed);
      }
      ++got;
    }
    co_return std::error_code{};
  }

  // Reads until one whole reply is parsed (used by the handshake, before the loops start).
  awaitable<std::error_code> read_reply(std::optional<RespValue>& out) {
    for (;;) {
      RespNode node;
      std::size_t used = 0;
      const auto status = parser_.next(unread(), node, used);
      if (status == RespParser::Status::error) co_return parser_.error();
      if (status == RespParser::Status::node) {
        read_buffer_.consume(used);
        if (builder_.add(node)) {
          out = builder_.take();
          co_return std::error_code{};
        }
        continue;
      }
      const std::error_code ec = co_await read_more();
      if (ec) co_return ec;
    }
  }

  std::string_view unread() const { return read_buffer_.data(); }

  awaitable<std::error_code> read_more() {
    char* space = read_buffer_.prepare(64 * 1024);
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(space, read_buffer_.space()),
                                                    tuple_awaitable);
    read_buffer_.commit(n);
    if (ec) co_return ec;
    last_read_ = Clock::now();
    co_return std::error_code{};
  }

  awaitable<void> read_loop(std::shared_ptr<Impl> self) {
    co_await read_replies(std::move(self));
    link_down();
  }

  // No more writes on this link: requests from now on wait in the queue for the next one, and
  // a write still pending fails at once instead of holding the link.
  void link_down() {
    link_up_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  awaitable<void> read_replies(std::shared_ptr<Impl>) {
    for (;;) {
      // close() failed every request already: bytes read before it are no one's any more.
      if (closed_) co_return;
      RespNode node;
      std::size_t used = 0;
      const auto status = parser_.next(unread(), node, used);
      if (status == RespParser::Status::error) {
        log::error("redis.protocol_error", {{"error", parser_.error().message()}});
        co_return;
      }
      if (status == RespParser::Status::need_more) {
        const std::error_code ec = co_await read_more();
        if (ec) co_return;
        continue;
      }
      read_buffer_.consume(used);
      if (builder_.add(node) && !dispatch(builder_.take())) co_return;
    }
  }

  // Hands one whole reply to its request; false when nothing waits for it (the stream is out
  // of step, so the link must go).
  bool dispatch(RespValue reply) {
    if (reply.type == RespType::push) {
      ++metrics_.pushes;
      if (!in_flight_.empty() && in_flight_.front()->confirmations > 0 && is_confirmation(reply) &&
          --in_flight_.front()->confirmations == 0) {
        complete(*in_flight_.front(), {});
        in_flight_.pop_front();
      }
      if (push_handler_) push_handler_(std::move(reply));
      return true;
    }
    if (in_flight_.empty()) {
      log::error("redis.unexpected_reply", {{"type", to_string(reply.type)}});
      return false;
    }
    ++metrics_.replies;
    if (reply.is_error()) ++metrics_.error_replies;
    Pending& head = *in_flight_.front();
    head.replies.push_back(std::move(reply));
    // A request confirmed by pushes gets a reply only when refused (an error): it ends there.
    if (head.confirmations > 0 || head.replies.size() == head.request.commands()) {
      const auto took =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - head.written_at);
      ++metrics_.round_trip_us_log2[log2_bucket(took, metrics_.round_trip_us_log2.size())];
      complete(head, {});
      in_flight_.pop_front();
    }
    return true;
  }

  static bool is_confirmation(const RespValue& push) {
    if (push.elements.empty()) return false;
    const std::string& kind = push.elements.front().text;
    return kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe" ||
           kind == "unsubscribe" || kind == "punsubscribe" || kind == "sunsubscribe";
  }

  // Wakes only when exec() could not write itself (a write was in progress, or the link was
  // down when the request came), so the common case costs no extra scheduler turn.
  awaitable<void> write_loop(std::shared_ptr<Impl>) {
    for (;;) {
      while (queue_.empty() || writing_) {
        writer_wake_.expires_at(Clock::time_point::max());
        co_await writer_wake_.async_wait(tuple_awaitable);  // exec() or close() cancels it
        if (closed_) co_return;
      }
      const bool written = co_await flush();  // named: GCC 12 miscompiles `!co_await` here
      if (!written) co_return;
    }
  }

  // Writes everything queued now in one gathered write. False when the write failed, which
  // ends the link (the read loop sees the closed socket and run() reconnects).
  awaitable<bool> flush() {
    // The write must run whatever happens to the caller: a cancelled caller must not skip it
    // (its requests are already in the in-flight FIFO) nor cut it short.
    const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
    co_await asio::this_coro::throw_if_cancelled(false);
    writing_ = true;
    write_buffers_.clear();
    std::size_t bytes = 0;
    const auto now = Clock::now();
    while (!queue_.empty() && (write_buffers_.empty() || bytes < max_write_batch)) {
      std::shared_ptr<Pending> p = std::move(queue_.front());
      queue_.pop_front();
      p->written = true;
      p->written_at = now;
      bytes += p->request.payload().size();
      write_buffers_.push_back(asio::buffer(p->request.payload()));
      ++metrics_.requests;
      metrics_.commands += p->request.commands();
      in_flight_.push_back(std::move(p));  // before the write: replies may beat its completion
    }
    ++metrics_.writes;
    // Never cancelled halfway by whoever awaits the flush (a caller that gave up would leave
    // half a command on the wire, and every other caller's stream out of step). Closing the
    // socket is what stops a write.
    auto [ec, n] = co_await asio::async_write(
        socket_, write_buffers_,
        asio::bind_cancellation_slot(asio::cancellation_slot(), tuple_awaitable));
    writing_ = false;
    co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
    if (ec) {
      link_down();
      co_return false;
    }
    if (!queue_.empty()) writer_wake_.cancel();  // queued meanwhile: the write loop takes them
    co_return true;
  }

  awaitable<void> health_loop(std::shared_ptr<Impl> self) {
    const auto interval = config_.health_check_interval;
    if (interval.count() <= 0) {
      asio::steady_timer forever(ex_, Clock::time_point::max());
      co_await forever.async_wait(asio::use_awaitable);
      co_return;
    }
    asio::steady_timer tick(ex_);
    for (;;) {
      tick.expires_after(interval);
      co_await tick.async_wait(asio::use_awaitable);
      if (Clock::now() - last_read_ < interval) continue;  // traffic shows the link is alive
      if (!in_flight_.empty()) {
        // A request in flight (a blocking BLMOVE, a slow script) is not a dead link, and a PING
        // would only queue behind it. But one whose caller gave up, with nothing read for a
        // whole interval since, means the other end is gone (a half-open link): drop it.
        if (in_flight_.front()->abandoned) {
          log::warn("redis.link_silent", {{"endpoint", endpoint_text()}});
          co_return;
        }
        continue;
      }
      Request ping;
      ping.push("PING");
      const ExecResult r = co_await exec(self, std::move(ping), interval);
      if (!r) {
        log::warn("redis.health_check_failed", {{"error", r.error().message()}});
        co_return;  // ends the link; run() reconnects
      }
    }
  }

  void complete(Pending& p, std::error_code ec) {
    if (p.done) return;
    p.done = true;
    p.error = ec;
    p.timer.cancel();
  }

  void fail_in_flight(std::error_code ec) {
    for (auto& p : in_flight_) complete(*p, ec);
    in_flight_.clear();
  }

  // Requests waiting for a link that is not coming soon; none of them was written.
  void fail_queued(std::error_code ec) {
    for (auto& p : queue_) complete(*p, ec);
    queue_.clear();
  }

  executor ex_;
  Socket socket_;
  asio::steady_timer writer_wake_;
  asio::steady_timer reconnect_timer_;
  bool unreachable_ = false;                        // the last connect attempt failed
  std::deque<std::shared_ptr<Pending>> queue_;      // not written yet
  std::deque<std::shared_ptr<Pending>> in_flight_;  // written, replies due in this order
  std::vector<asio::const_buffer> write_buffers_;
  bool writing_ = false;
  RespParser parser_;
  ReplyBuilder builder_;
  ReadBuffer read_buffer_;
  Clock::time_point last_read_{};
  std::mt19937 rng_;
  bool started_ = false;
  bool closed_ = false;
  bool link_up_ = false;
};

Connection::Connection(executor ex, Config config)
    : impl_(std::make_shared<Impl>(std::move(ex), std::move(config))) {}

Connection::~Connection() {
  impl_->close();
}

void Connection::start() {
  impl_->start(impl_);
}
void Connection::close() {
  impl_->close();
}

awaitable<ExecResult> Connection::exec(Request request) {
  return impl_->exec(impl_, std::move(request), impl_->config_.request_timeout);
}

awaitable<ExecResult> Connection::exec(Request request, std::chrono::milliseconds timeout) {
  return impl_->exec(impl_, std::move(request), timeout);
}

awaitable<ExecResult> Connection::exec_confirmed(Request request, std::size_t confirmations,
                                                 std::chrono::milliseconds timeout) {
  return impl_->exec(impl_, std::move(request), timeout, std::max<std::size_t>(confirmations, 1));
}

bool Connection::connected() const {
  return impl_->connected();
}
const Metrics& Connection::metrics() const {
  return impl_->metrics_;
}
const Config& Connection::config() const {
  return impl_->config_;
}
void Connection::on_push(std::function<void(RespValue&&)> handler) {
  impl_->push_handler_ = std::move(handler);
}
void Connection::on_connect(std::function<void()> handler) {
  impl_->connect_handler_ = std::move(handler);
}

}  // namespace coqueue::redis
