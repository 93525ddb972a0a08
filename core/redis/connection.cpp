#include "core/redis/connection.hpp"

#include <algorithm>
#include <deque>
#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>

#include "core/redis/read_buffer.hpp"
#include "core/redis/redis_errc.hpp"
#include "core/redis/reply_builder.hpp"
#include "core/redis/resp_parser.hpp"
#include "core/support/log.hpp"
#include "core/support/parked_caller.hpp"

namespace coqueue::redis {
namespace {

using Clock = std::chrono::steady_clock;
using Socket = asio::generic::stream_protocol::socket;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_write_batch =
    1 << 20;  // bytes gathered into one write, at least one request
// While replies are handed out, their callers' next requests go in about this many writes,
// of at least min_batch_write requests (fewer writes cost less CPU when few are in flight).
constexpr std::size_t writes_per_batch = 4;
constexpr std::size_t min_batch_write = 8;

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
        deadline_timer_(ex),
        reconnect_timer_(ex),
        rng_(std::random_device{}()) {}

  // Shared by the caller's frame and the connection's FIFOs, on the connection's thread only:
  // a plain count, not shared_ptr's atomic one.
  struct Pending : boost::intrusive_ref_counter<Pending, boost::thread_unsafe_counter> {
    explicit Pending(Request r) : request(std::move(r)) {}
    Request request;
    Replies replies;
    std::error_code error;
    Clock::time_point deadline{};
    Clock::time_point written_at{};
    // The caller, suspended in exec() until complete() resumes it.
    ParkedCaller waiter;
    // SUBSCRIBE and friends: in RESP3 each name is confirmed by a push, not a reply. Such a
    // request completes after that many confirmations, or with an error reply (e.g. NOPERM).
    std::size_t confirmations = 0;
    bool abandoned = false;  // its caller gave up after it was written
    bool written = false;
    bool done = false;
  };
  using PendingPtr = boost::intrusive_ptr<Pending>;

  // How complete() resumes the caller: at once, on this stack, when the connection is in a
  // state any caller may re-enter (a reply was just handed over); through the scheduler when
  // the connection is in the middle of something (failing or sweeping a whole queue).
  enum class Resume { now, later };

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
    deadline_timer_.cancel();
    fail_queued(redis_errc::closed);
    fail_in_flight(redis_errc::closed);
  }

  // Once suspended, the frame touches only its request: it may outlive the connection (close()
  // resumes it through the scheduler), so it holds no reference to it.
  awaitable<ExecResult> exec(Request request, std::chrono::milliseconds timeout,
                             std::size_t confirmations = 0) {
    if (closed_) co_return make_error_code(redis_errc::closed);
    if (request.commands() == 0) co_return Replies{};
    if (unreachable_ && !link_up_ && config_.fail_fast_when_unreachable) {
      co_return make_error_code(redis_errc::not_connected);
    }
    const PendingPtr pending(new Pending(std::move(request)));
    pending->confirmations = confirmations;
    if (confirmations == 0) pending->replies.reserve(pending->request.commands());
    // Counts the write too. While replies are handed out, the time of their read is fresh.
    pending->deadline = (delivering_ ? last_read_ : Clock::now()) + timeout;
    queue_.push_back(pending);
    watch_deadline(pending->deadline);
    // Requests gather into few writes. Those made while replies are being handed out (their
    // callers resumed on the reader's stack) go out a quarter of the outstanding ones at a time:
    // Redis works on the first part while the rest are handed out, and the rest go when the
    // batch is done. Waiting for the whole batch would leave Redis idle meanwhile (measured at
    // 100 in flight: 0.7M ops/s in one write per batch, 1.9M in quarters). Other requests go
    // after every coroutine ready to run now has had its turn.
    if (delivering_) {
      const std::size_t outstanding = queue_.size() + in_flight_.size();
      if (outstanding >= 2 * min_batch_write && queue_.size() >= min_batch_write &&
          queue_.size() * writes_per_batch >= outstanding) {
        write_queued();
      }
    } else if (!write_posted_) {
      write_posted_ = true;
      asio::post(ex_, [weak = weak_from_this()] {
        if (auto impl = weak.lock()) {
          impl->write_posted_ = false;
          impl->write_queued();
        }
      });
    }

    if (!pending->done) {
      try {
        co_await wait_for(*pending);
      } catch (const boost::system::system_error&) {
        give_up(*pending, redis_errc::cancelled);  // cancelled before the wait began
      }
    }
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
        delivering_ = false;  // the last link's reader may have ended mid-delivery
        ++link_id_;
        ++metrics_.connects;
        log::info("redis.connected", {{"endpoint", endpoint_text()}});
        if (connect_handler_) connect_handler_();
        write_queued();  // what waited for this link
        try {
          co_await (read_loop(self) || health_loop(self));
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

    // write_queued() tries a plain send first and waits for writability only when the kernel's
    // buffer is full.
    socket_.non_blocking(true);

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
        // Every whole reply read so far is handed out: send what their callers asked next.
        delivering_ = false;
        write_queued();
        const std::error_code ec = co_await read_more();
        if (ec) co_return;
        continue;
      }
      read_buffer_.consume(used);
      if (!builder_.add(node)) continue;
      delivering_ = true;  // until the buffer holds no whole reply (or run() starts a new link)
      if (!dispatch(builder_.take())) co_return;
    }
  }

  // Hands one whole reply to its request; false when nothing waits for it (the stream is out
  // of step, so the link must go).
  bool dispatch(RespValue reply) {
    if (reply.type == RespType::push) {
      ++metrics_.pushes;
      PendingPtr confirmed;
      if (!in_flight_.empty() && in_flight_.front()->confirmations > 0 && is_confirmation(reply) &&
          --in_flight_.front()->confirmations == 0) {
        confirmed = std::move(in_flight_.front());
        in_flight_.pop_front();
      }
      if (push_handler_) push_handler_(std::move(reply));
      if (confirmed) complete(*confirmed, {}, Resume::now);
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
      // The time of the read stands for the time of the reply: one clock reading per read.
      const auto took =
          std::chrono::duration_cast<std::chrono::microseconds>(last_read_ - head.written_at);
      ++metrics_.round_trip_us_log2[log2_bucket(took, metrics_.round_trip_us_log2.size())];
      // Off the FIFO before the caller runs: it may close the connection, which clears it.
      const PendingPtr done = std::move(in_flight_.front());
      in_flight_.pop_front();
      complete(*done, {}, Resume::now);
    }
    return true;
  }

  static bool is_confirmation(const RespValue& push) {
    if (push.elements.empty()) return false;
    const std::string& kind = push.elements.front().text;
    return kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe" ||
           kind == "unsubscribe" || kind == "punsubscribe" || kind == "sunsubscribe";
  }

  // Sends everything queued now in one gathered write. Mostly the kernel takes it all at once
  // and no asynchronous operation is needed; the rest, if any, goes out with async_write, and
  // whatever was queued meanwhile goes in the write after it. A failed write ends the link (the
  // read loop sees the closed socket and run() reconnects). Nothing here can be cancelled by a
  // caller: half a command on the wire would put every other caller's stream out of step.
  void write_queued() {
    if (!write_holds_.empty() || !link_up_ || queue_.empty()) return;
    write_buffers_.clear();
    std::size_t bytes = 0;
    const auto now = Clock::now();
    while (!queue_.empty() && (write_buffers_.empty() || bytes < max_write_batch)) {
      PendingPtr& p = queue_.front();
      p->written = true;
      p->written_at = now;
      bytes += p->request.payload().size();
      write_buffers_.push_back(asio::buffer(p->request.payload()));
      ++metrics_.requests;
      metrics_.commands += p->request.commands();
      in_flight_.push_back(std::move(p));  // before the write: replies may beat its completion
      queue_.pop_front();
    }
    ++metrics_.writes;
    boost::system::error_code ec;
    const std::size_t sent = socket_.write_some(write_buffers_, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
    if (ec) {
      link_down();
      return;
    }
    if (sent == bytes) return;
    drop_written(sent);
    // The unsent part refers to requests now in the in-flight FIFO, which a dropped link
    // clears: hold them until the write is done (holding some is what "writing" means).
    write_holds_.assign(in_flight_.end() - static_cast<std::ptrdiff_t>(write_buffers_.size()),
                        in_flight_.end());
    asio::async_write(socket_, write_buffers_,
                      [this, self = shared_from_this(), link = link_id_](
                          boost::system::error_code wec, std::size_t) {
                        write_holds_.clear();
                        if (link != link_id_) {
                          write_queued();  // an earlier link's write: this one may go on
                          return;
                        }
                        if (wec) {
                          link_down();
                          return;
                        }
                        if (!delivering_) write_queued();
                      });
  }

  // Drops the first `bytes` of write_buffers_, which the kernel has taken.
  void drop_written(std::size_t bytes) {
    std::size_t first = 0;
    while (first < write_buffers_.size() && write_buffers_[first].size() <= bytes) {
      bytes -= write_buffers_[first].size();
      ++first;
    }
    write_buffers_.erase(write_buffers_.begin(),
                         write_buffers_.begin() + static_cast<std::ptrdiff_t>(first));
    if (!write_buffers_.empty()) write_buffers_.front() += bytes;
  }

  awaitable<void> health_loop(std::shared_ptr<Impl>) {
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
      const ExecResult r = co_await exec(std::move(ping), interval);
      if (!r) {
        log::warn("redis.health_check_failed", {{"error", r.error().message()}});
        co_return;  // ends the link; run() reconnects
      }
    }
  }

  // Suspends the caller until complete() resumes it. Cancelling the caller (its cancellation
  // slot) gives the request up. The slot's handler runs only while the caller is suspended here,
  // when exec()'s frame holds the request, so it may point to it.
  awaitable<void> wait_for(Pending& pending) {
    return asio::async_initiate<decltype(asio::use_awaitable), void()>(
        [this, &pending](auto handler) {
          auto slot = asio::get_associated_cancellation_slot(handler);
          if (slot.is_connected()) {
            slot.assign([this, &pending](asio::cancellation_type) {
              // Done includes failed by close(): the connection may be gone by now.
              if (!pending.done) give_up(pending, redis_errc::cancelled);
            });
          }
          pending.waiter.park(std::move(handler));
        },
        asio::use_awaitable);
  }

  // The caller stops waiting (its deadline passed or it was cancelled). A request already
  // written stays in the in-flight FIFO and its replies are dropped when they come.
  void give_up(Pending& p, std::error_code why) {
    if (p.done) return;
    ++metrics_.timeouts;
    if (why == redis_errc::timeout && !p.written) why = redis_errc::not_connected;
    if (p.written) {
      p.abandoned = true;
    } else {
      std::erase_if(queue_, [&p](const PendingPtr& queued) { return queued.get() == &p; });
    }
    complete(p, why, Resume::later);
  }

  void complete(Pending& p, std::error_code ec, Resume resume) {
    if (p.done) return;
    p.done = true;
    p.error = ec;
    // A caller not parked yet looks at `done` before it parks. Callers run on this
    // connection's thread (exec() requires it), so a reply may resume its caller directly.
    if (resume == Resume::now) {
      p.waiter.resume_now();
    } else {
      p.waiter.resume_later(ex_);
    }
  }

  // One timer for all the connection's deadlines, armed for the earliest one it knows of.
  // Requests mostly finish long before their deadline, so it seldom fires, and a request costs
  // a comparison instead of a timer of its own.
  void watch_deadline(Clock::time_point deadline) {
    if (deadline >= deadline_armed_for_) return;
    deadline_armed_for_ = deadline;
    deadline_timer_.expires_at(deadline);
    deadline_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->sweep_deadlines();
    });
  }

  void sweep_deadlines() {
    deadline_armed_for_ = Clock::time_point::max();
    const auto now = Clock::now();
    std::vector<PendingPtr> expired;
    auto next = Clock::time_point::max();
    for (const auto* list : {&queue_, &in_flight_}) {
      for (const PendingPtr& p : *list) {
        if (p->done) continue;
        if (p->deadline <= now) {
          expired.push_back(p);
        } else {
          next = std::min(next, p->deadline);
        }
      }
    }
    for (const PendingPtr& p : expired) give_up(*p, redis_errc::timeout);
    if (next != Clock::time_point::max()) watch_deadline(next);
  }

  void fail_in_flight(std::error_code ec) {
    auto failed = std::move(in_flight_);
    in_flight_.clear();
    for (auto& p : failed) complete(*p, ec, Resume::later);
  }

  // Requests waiting for a link that is not coming soon; none of them was written.
  void fail_queued(std::error_code ec) {
    auto failed = std::move(queue_);
    queue_.clear();
    for (auto& p : failed) complete(*p, ec, Resume::later);
  }

  executor ex_;
  Socket socket_;
  asio::steady_timer deadline_timer_;
  Clock::time_point deadline_armed_for_ = Clock::time_point::max();
  asio::steady_timer reconnect_timer_;
  bool unreachable_ = false;          // the last connect attempt failed
  std::deque<PendingPtr> queue_;      // not written yet
  std::deque<PendingPtr> in_flight_;  // written, replies due in this order
  std::vector<asio::const_buffer> write_buffers_;
  std::vector<PendingPtr> write_holds_;  // what an unfinished async_write points into
  bool delivering_ = false;              // replies are being handed out
  bool write_posted_ = false;            // a write_queued() waits its turn
  std::uint64_t link_id_ = 0;            // which link a write belongs to
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
  return impl_->exec(std::move(request), impl_->config_.request_timeout);
}

awaitable<ExecResult> Connection::exec(Request request, std::chrono::milliseconds timeout) {
  return impl_->exec(std::move(request), timeout);
}

awaitable<ExecResult> Connection::exec_confirmed(Request request, std::size_t confirmations,
                                                 std::chrono::milliseconds timeout) {
  return impl_->exec(std::move(request), timeout, std::max<std::size_t>(confirmations, 1));
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
