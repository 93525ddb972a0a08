#pragma once
// --alert-webhook: every few seconds the server reads the deployment (queue counts, dead
// letters, live workers, whether the backend answers), turns changes into alerts
// (alert_rules.hpp) and POSTs each as JSON to the webhook. Sending happens in its own coroutine
// with a bounded outbox, a timeout per attempt and retries with backoff, so a slow or broken
// receiver never holds up a request, and never grows memory.

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <variant>

#include <boost/asio/steady_timer.hpp>

#include "core/queue/broker.hpp"
#include "core/support/awaitable.hpp"
#include "server/alert_rules.hpp"

namespace coqueue::server {

struct AlertWebhookSettings {
  std::string url;  // http://host[:port][/path]; empty: no webhook
  std::chrono::milliseconds check_interval{5'000};
  std::chrono::milliseconds repeat{600'000};    // a lasting condition is said again this often
  std::chrono::milliseconds timeout{5'000};     // per attempt
  std::chrono::milliseconds retry_base{1'000};  // doubles per attempt, with jitter
  int max_attempts = 5;
  std::size_t max_pending = 100;  // alerts waiting to be sent; beyond, the oldest is dropped
};

// The parts of an http:// URL; an error message when it is not one.
struct WebhookTarget {
  std::string host;
  std::string port;
  std::string target;  // path and query
};
std::variant<WebhookTarget, std::string> parse_webhook_url(const std::string& url);

class AlertWebhook {
 public:
  AlertWebhook(executor ex, Broker& broker, AlertWebhookSettings settings, WebhookTarget target);

  // Checks and sends until stop().
  awaitable<void> run();
  void stop();

 private:
  awaitable<DeploymentReading> read_deployment();
  awaitable<void> deliver();
  awaitable<bool> post(const std::string& body);
  void queue_alert(const Alert& alert);

  executor ex_;
  Broker& broker_;
  AlertWebhookSettings settings_;
  WebhookTarget target_;
  AlertRules rules_;
  std::deque<std::string> outbox_;
  asio::steady_timer wake_;     // the sender sleeps on it while the outbox is empty
  asio::steady_timer backoff_;  // and on this one between attempts
  asio::steady_timer check_timer_;
  bool stopped_ = false;
};

}  // namespace coqueue::server
