#include "server/alert_webhook.hpp"

#include <random>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "core/support/log.hpp"
#include "core/support/time.hpp"
#include "server/live_workers.hpp"

namespace coqueue::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

std::string alert_json(const Alert& a) {
  boost::json::object o{{"source", "coqueue"},
                        {"alert", a.name},
                        {"status", a.status},
                        {"summary", a.summary},
                        {"value", a.value},
                        {"server", log::settings().instance},
                        {"at", format_rfc3339(std::chrono::system_clock::now())}};
  if (!a.queue.empty()) o["queue"] = a.queue;
  return boost::json::serialize(o);
}

}  // namespace

std::variant<WebhookTarget, std::string> parse_webhook_url(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return "--alert-webhook must be a URL such as http://host:port/path";
  if (parsed->scheme() != "http") {
    return "--alert-webhook must be an http:// URL (for https, send it through a local relay)";
  }
  if (parsed->host().empty()) return "--alert-webhook has no host";
  WebhookTarget t;
  t.host = parsed->host();
  t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  t.target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) t.target += "?" + std::string(parsed->encoded_query());
  return t;
}

AlertWebhook::AlertWebhook(executor ex, Broker& broker, AlertWebhookSettings settings,
                           WebhookTarget target)
    : ex_(ex),
      broker_(broker),
      settings_(std::move(settings)),
      target_(std::move(target)),
      rules_(settings_.repeat),
      wake_(ex),
      backoff_(ex),
      check_timer_(ex) {}

void AlertWebhook::stop() {
  stopped_ = true;
  check_timer_.cancel();
  wake_.cancel();
  backoff_.cancel();
}

awaitable<DeploymentReading> AlertWebhook::read_deployment() {
  DeploymentReading reading;
  try {
    // Named, not `!co_await …` in a condition: GCC 12 miscompiles that form.
    const bool ready = co_await broker_.ready();
    if (!ready) {
      reading.backend_reachable = false;
      co_return reading;
    }
    reading.stats = co_await broker_.stats();
    const std::vector<boost::json::object> live = co_await broker_.workers();
    reading.workers = workers_per_queue(live);
  } catch (const std::exception&) {
    reading.backend_reachable = false;
  }
  co_return reading;
}

void AlertWebhook::queue_alert(const Alert& alert) {
  log::warn("alert." + alert.status,
            {{"alert", alert.name}, {"queue", alert.queue}, {"summary", alert.summary}});
  if (outbox_.size() >= settings_.max_pending) {
    log::warn("alert.dropped", {{"reason", "too many alerts waiting to be sent"}});
    outbox_.pop_front();
  }
  outbox_.push_back(alert_json(alert));
  wake_.cancel();
}

awaitable<void> AlertWebhook::run() {
  asio::co_spawn(ex_, deliver(), asio::detached);
  while (!stopped_) {
    const DeploymentReading reading = co_await read_deployment();
    if (stopped_) break;
    for (const Alert& alert : rules_.evaluate(reading, std::chrono::steady_clock::now())) {
      queue_alert(alert);
    }
    check_timer_.expires_after(settings_.check_interval);
    co_await check_timer_.async_wait(tuple_awaitable);
  }
}

awaitable<void> AlertWebhook::deliver() {
  std::mt19937_64 rng(std::random_device{}());
  while (!stopped_) {
    if (outbox_.empty()) {
      wake_.expires_at(SteadyTime::max());
      co_await wake_.async_wait(tuple_awaitable);
      continue;
    }
    const std::string body = outbox_.front();
    outbox_.pop_front();
    auto delay = settings_.retry_base;
    for (int attempt = 1; !stopped_; ++attempt) {
      const bool sent = co_await post(body);
      if (sent) break;
      if (attempt == settings_.max_attempts) {
        log::warn("alert.webhook_failed",
                  {{"attempts", static_cast<std::int64_t>(attempt)}, {"alert", body}});
        break;
      }
      // Backoff with jitter, so servers that all lost the receiver do not retry in step.
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      backoff_.expires_after(
          std::chrono::duration_cast<std::chrono::milliseconds>(delay * jitter(rng)));
      co_await backoff_.async_wait(tuple_awaitable);
      delay *= 2;
    }
  }
}

awaitable<bool> AlertWebhook::post(const std::string& body) {
  asio::ip::tcp::resolver resolver(ex_);
  beast::tcp_stream stream(ex_);
  stream.expires_after(settings_.timeout);
  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(target_.host, target_.port, tuple_awaitable);
  if (resolve_ec) co_return false;
  auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, tuple_awaitable);
  if (connect_ec) co_return false;
  http::request<http::string_body> request{http::verb::post, target_.target, 11};
  request.set(http::field::host,
              target_.port == "80" ? target_.host : target_.host + ":" + target_.port);
  request.set(http::field::user_agent, "coqueue");
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  auto [write_ec, written] = co_await http::async_write(stream, request, tuple_awaitable);
  if (write_ec) co_return false;
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  auto [read_ec, read] = co_await http::async_read(stream, buffer, response, tuple_awaitable);
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  if (read_ec) co_return false;
  const unsigned status = response.result_int();
  if (status / 100 != 2) {
    log::warn("alert.webhook_refused", {{"status", static_cast<std::int64_t>(status)}});
    co_return false;
  }
  co_return true;
}

}  // namespace coqueue::server
