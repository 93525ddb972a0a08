#include "server/websocket_session.hpp"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/job/job_spec.hpp"
#include "core/job/stored_json.hpp"
#include "core/support/log.hpp"
#include "core/support/text_excerpt.hpp"
#include "server/access_policy.hpp"

namespace coqueue::server {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using WebSocket = websocket::stream<beast::tcp_stream&>;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// What one socket follows and what waits to be sent to it. Shared with the coroutines that
// fetch job records, so that they find out when the socket is gone.
struct SocketState {
  explicit SocketState(executor ex) : wake(ex), gone(ex), watchdog(ex) {}

  std::set<std::string, std::less<>> jobs;
  std::set<std::string, std::less<>> queues;
  // Records being read for this socket; true when the job changed again meanwhile, so that it
  // is read once more: one read in flight per job, however many changes arrive.
  std::map<std::string, bool, std::less<>> fetching;
  std::deque<std::string> outbox;
  std::size_t outbox_bytes = 0;
  asio::steady_timer wake;      // the writer sleeps on it while the outbox is empty
  asio::steady_timer gone;      // cancelled when the writer has stopped
  asio::steady_timer watchdog;  // closes the socket if a drop or an end takes too long
  std::function<void()> drop;   // closes the socket (set while the session runs)
  bool closed = false;          // the socket is done: push nothing more
  bool overflowed = false;      // the client read too slowly: drop it
  bool writer_done = false;
};

// A write stuck on a client that does not read cannot be cut short by a deadline set after it
// began: the socket itself is closed if the session has not ended within 2 s.
void arm_watchdog(const std::shared_ptr<SocketState>& state) {
  state->watchdog.expires_after(std::chrono::seconds(2));
  state->watchdog.async_wait([state](boost::system::error_code ec) {
    if (!ec && state->drop) state->drop();
  });
}

std::string event(std::string_view name, std::string_view fields_json) {
  std::string out = R"({"event":")";
  out += name;
  out += '"';
  if (!fields_json.empty()) {
    out += ',';
    out += fields_json;
  }
  out += '}';
  return out;
}

std::string error_event(std::string_view code, std::string_view message,
                        const boost::json::value* ref = nullptr) {
  boost::json::object o{{"event", "error"},
                        {"error", boost::json::object{{"code", code}, {"message", message}}}};
  if (ref != nullptr) o["ref"] = *ref;
  return boost::json::serialize(o);
}

class Session {
 public:
  Session(WebSocket& ws, Api& api, Broker& broker, WebSocketLimits limits, executor ex)
      : ws_(ws),
        api_(api),
        limits_(limits),
        state_(std::make_shared<SocketState>(ex)),
        observer_(broker.completions(), [this](std::string_view id, std::string_view queue,
                                               bool ended) { on_event(id, queue, ended); }) {}

  awaitable<void> run() {
    auto ex = co_await asio::this_coro::executor;
    state_->drop = [&ws = ws_] {
      boost::system::error_code ignored;
      beast::get_lowest_layer(ws).socket().close(ignored);
    };
    asio::co_spawn(ex, write_loop(ws_, state_), [state = state_](std::exception_ptr) {
      state->writer_done = true;
      state->gone.cancel();
    });
    co_await read_loop();
    state_->closed = true;
    state_->wake.cancel();
    if (!state_->writer_done) {
      arm_watchdog(state_);
      state_->gone.expires_at(SteadyTime::max());
      co_await state_->gone.async_wait(tuple_awaitable);
    }
    state_->drop = nullptr;  // the socket goes with this session
    state_->watchdog.cancel();
  }

 private:
  awaitable<void> read_loop() {
    beast::flat_buffer buffer;
    while (!state_->closed && !state_->overflowed) {
      auto [ec, n] = co_await ws_.async_read(buffer, tuple_awaitable);
      if (ec) break;
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      co_await handle(text);
    }
  }

  // Sent by the writer, in order; past the bounds the client is dropped instead.
  static void push(const std::shared_ptr<SocketState>& state, std::string message,
                   const WebSocketLimits& limits) {
    if (state->closed || state->overflowed) return;
    if (state->outbox.size() >= limits.max_outbox_messages ||
        state->outbox_bytes + message.size() > limits.max_outbox_bytes) {
      state->overflowed = true;
      state->outbox.clear();
      state->outbox_bytes = 0;
      arm_watchdog(state);
    } else {
      state->outbox_bytes += message.size();
      state->outbox.push_back(std::move(message));
    }
    state->wake.cancel();
  }

  static awaitable<void> write_loop(WebSocket& ws, std::shared_ptr<SocketState> state) {
    while (!state->closed) {
      if (state->overflowed) {
        // A close code the client can act on; the close handshake is bounded (2 s), and the
        // socket is closed whatever happens, so a client that never reads cannot hold it.
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
        const websocket::close_reason reason(websocket::close_code::policy_error,
                                             "outbox full: messages are read too slowly");
        co_await ws.async_close(reason, tuple_awaitable);
        boost::system::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
        break;
      }
      if (state->outbox.empty()) {
        state->wake.expires_at(SteadyTime::max());
        co_await state->wake.async_wait(tuple_awaitable);
        continue;
      }
      std::string message = std::move(state->outbox.front());
      state->outbox.pop_front();
      state->outbox_bytes -= message.size();
      ws.text(true);
      auto [ec, n] = co_await ws.async_write(asio::buffer(message), tuple_awaitable);
      if (ec) break;
    }
    state->closed = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);  // the reader stops too
  }

  // The job's record as GET /jobs/<id> returns it, pushed as a "job" event; an "error" event
  // when there is no such job. With `only_if_ended`, nothing is sent while the job runs.
  static awaitable<void> send_record(Api& api, std::shared_ptr<SocketState> state, std::string id,
                                     WebSocketLimits limits, bool only_if_ended) {
    for (;;) {
      Request get;
      get.method = Method::get;
      get.target = "/jobs/" + id;
      const Response r = co_await api.handle_unrecorded(std::move(get));
      if (state->closed || state->overflowed) co_return;
      if (r.status == 404) {
        state->jobs.erase(id);
        push(state, error_event("job_not_found", "no job with id '" + text_excerpt(id) + "'"),
             limits);
      } else if (r.status != 200) {
        push(state, error_event("backend_unavailable", "the job could not be read now"), limits);
      } else {
        boost::system::error_code ec;
        const boost::json::value record = parse_stored_json(r.body, ec);
        const auto* status = ec ? nullptr : record.as_object().if_contains("status");
        std::string_view s;  // not `cond ? as_string() : ""`: that makes a temporary string
        if (status != nullptr && status->is_string()) s = status->as_string();
        const bool ended = s == "completed" || s == "failed" || s == "cancelled";
        if (ended) state->jobs.erase(id);  // nothing follows an end (but a retry: again)
        if (!only_if_ended || ended) push(state, event("job", R"("job":)" + r.body), limits);
      }
      // Changed again while it was read: read it once more, and send whatever it is then.
      const auto again = state->fetching.find(id);
      if (again == state->fetching.end() || !again->second) break;
      again->second = false;
      only_if_ended = false;
    }
    state->fetching.erase(id);
  }

  // Posted, never run inline: an observer is called from inside the broker's state changes,
  // and reading a record there could touch what the broker is in the middle of changing.
  void fetch(std::string id, bool only_if_ended) {
    if (state_->closed || state_->overflowed) return;
    const auto [it, first] = state_->fetching.try_emplace(id, false);
    if (!first) {
      it->second = true;
      return;
    }
    auto ex = state_->wake.get_executor();
    asio::post(ex, [ex, &api = api_, state = state_, id = std::move(id), limits = limits_,
                    only_if_ended]() mutable {
      asio::co_spawn(ex, send_record(api, std::move(state), std::move(id), limits, only_if_ended),
                     asio::detached);
    });
  }

  void on_event(std::string_view id, std::string_view queue, bool /*ended*/) {
    if (state_->closed) return;
    if (id.empty()) {  // notifications may have been missed: look at every followed job again
      for (const std::string& followed : state_->jobs) fetch(followed, true);
      return;
    }
    if (state_->jobs.contains(id) || (!queue.empty() && state_->queues.contains(queue))) {
      fetch(std::string(id), false);
    }
  }

  awaitable<void> handle(const std::string& text) {
    boost::system::error_code ec;
    boost::json::value message = boost::json::parse(text, ec);
    if (ec || !message.is_object()) {
      push(state_, error_event("invalid_message", "a message must be a JSON object"), limits_);
      co_return;
    }
    boost::json::object& o = message.as_object();
    const boost::json::value* ref = o.if_contains("ref");
    const boost::json::value* subscribe = o.if_contains("subscribe");
    const boost::json::value* unsubscribe = o.if_contains("unsubscribe");
    const boost::json::value* subscribe_queue = o.if_contains("subscribe_queue");
    const boost::json::value* unsubscribe_queue = o.if_contains("unsubscribe_queue");
    const boost::json::value* job = o.if_contains("submit");
    const boost::json::value* subscribe_stats = o.if_contains("subscribe_stats");
    const boost::json::value* unsubscribe_stats = o.if_contains("unsubscribe_stats");
    if (subscribe_stats != nullptr && subscribe_stats->is_bool()) {
      if (subscribe_stats->as_bool()) {
        follow_stats(ref);
      } else {
        stats_.reset();
      }
    } else if (subscribe_stats != nullptr) {
      push(state_, error_event("invalid_message", "subscribe_stats takes true or false", ref),
           limits_);
    } else if (unsubscribe_stats != nullptr) {
      stats_.reset();
    } else if (subscribe != nullptr) {
      follow_jobs(*subscribe, ref);
    } else if (unsubscribe != nullptr) {
      if (unsubscribe->is_array()) {
        for (const auto& id : unsubscribe->as_array()) {
          if (id.is_string()) state_->jobs.erase(std::string(id.as_string()));
        }
      }
    } else if (subscribe_queue != nullptr) {
      follow_queue(*subscribe_queue, ref);
    } else if (unsubscribe_queue != nullptr) {
      if (unsubscribe_queue->is_string()) {
        state_->queues.erase(std::string(unsubscribe_queue->as_string()));
      }
    } else if (job != nullptr) {
      co_await submit(*job, ref);
    } else {
      push(state_,
           error_event("invalid_message",
                       "expected one of subscribe, unsubscribe, subscribe_queue, "
                       "unsubscribe_queue, subscribe_stats, unsubscribe_stats, submit",
                       ref),
           limits_);
    }
  }

  void follow_jobs(const boost::json::value& ids, const boost::json::value* ref) {
    if (!ids.is_array()) {
      push(state_, error_event("invalid_message", "subscribe takes an array of job ids", ref),
           limits_);
      return;
    }
    for (const auto& id : ids.as_array()) {
      if (!id.is_string() || id.as_string().empty() || id.as_string().size() > 128) {
        push(state_, error_event("invalid_message", "a job id is a string of 1-128 bytes", ref),
             limits_);
        continue;
      }
      if (state_->jobs.size() >= limits_.max_followed_jobs) {
        push(state_,
             error_event(
                 "too_many_subscriptions",
                 "at most " + std::to_string(limits_.max_followed_jobs) + " jobs per socket", ref),
             limits_);
        return;
      }
      // Followed before it is read: an end between the read and now is not missed.
      std::string key(id.as_string());
      state_->jobs.insert(key);
      fetch(std::move(key), false);
    }
  }

  void follow_queue(const boost::json::value& q, const boost::json::value* ref) {
    if (!q.is_string() || !is_valid_queue_name(q.as_string())) {
      push(state_,
           error_event("invalid_queue", "queue must be 1-64 characters of A-Za-z0-9_.-", ref),
           limits_);
      return;
    }
    if (state_->queues.size() >= limits_.max_followed_queues) {
      push(state_, error_event("too_many_subscriptions", "too many queues on this socket", ref),
           limits_);
      return;
    }
    state_->queues.insert(std::string(q.as_string()));
    boost::json::object ack{{"event", "subscribed"}, {"queue", q}};
    if (ref != nullptr) ack["ref"] = *ref;
    push(state_, boost::json::serialize(ack), limits_);
  }

  // The dashboard's feed: a stats event about once a second until unsubscribe_stats.
  void follow_stats(const boost::json::value* ref) {
    if (!stats_) {
      stats_ = std::make_unique<StatsFeed::Subscription>(
          api_.stats_feed(), [state = state_, limits = limits_](const std::string& message) {
            push(state, message, limits);
          });
    }
    boost::json::object ack{{"event", "subscribed"}, {"stats", true}};
    if (ref != nullptr) ack["ref"] = *ref;
    push(state_, boost::json::serialize(ack), limits_);
  }

  // The same as POST /jobs, answered with its status and body; the new job is then followed.
  awaitable<void> submit(const boost::json::value& job, const boost::json::value* ref) {
    Request post;
    post.method = Method::post;
    post.target = "/jobs";
    post.content_type = "application/json";
    post.body = boost::json::serialize(job);
    boost::json::value ref_copy = ref != nullptr ? *ref : boost::json::value();
    const Response r = co_await api_.handle_unrecorded(std::move(post));
    if (state_->closed) co_return;
    std::string fields = R"("status":)" + std::to_string(r.status) + R"(,"body":)" + r.body;
    if (!ref_copy.is_null()) fields += R"(,"ref":)" + boost::json::serialize(ref_copy);
    push(state_, event("submitted", fields), limits_);
    if (r.status / 100 != 2) co_return;
    boost::system::error_code ec;
    const boost::json::value accepted = boost::json::parse(r.body, ec);
    const auto* id = ec ? nullptr : accepted.as_object().if_contains("id");
    if (id == nullptr || !id->is_string()) co_return;
    std::string key(id->as_string());
    state_->jobs.insert(key);
    fetch(std::move(key), true);  // it may have ended already: then say so now
  }

  WebSocket& ws_;
  Api& api_;
  WebSocketLimits limits_;
  std::shared_ptr<SocketState> state_;
  CompletionHub::Observer observer_;
  std::unique_ptr<StatsFeed::Subscription> stats_;
};

}  // namespace

awaitable<void> run_websocket_session(beast::tcp_stream& stream,
                                      beast::http::request<beast::http::string_body> upgrade,
                                      Api& api, Broker& broker, WebSocketLimits limits) {
  stream.expires_never();  // the WebSocket keeps its own timeouts
  WebSocket ws(stream);
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(5);
  timeouts.idle_timeout = std::chrono::seconds(60);  // pinged at half; dropped if silent
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.read_message_max(limits.max_message_bytes);
  // A browser that offers subprotocols (the token as `bearer.<token>`, next to `coqueue`) wants
  // one of them chosen; the token is never echoed back.
  const bool offered_coqueue =
      offers_subprotocol(upgrade[beast::http::field::sec_websocket_protocol], "coqueue");
  ws.set_option(websocket::stream_base::decorator([offered_coqueue](websocket::response_type& res) {
    res.set(beast::http::field::server, "coqueue");
    if (offered_coqueue) res.set(beast::http::field::sec_websocket_protocol, "coqueue");
  }));
  auto [ec] = co_await ws.async_accept(upgrade, tuple_awaitable);
  if (ec) co_return;
  Session session(ws, api, broker, limits, co_await asio::this_coro::executor);
  co_await session.run();
}

}  // namespace coqueue::server
