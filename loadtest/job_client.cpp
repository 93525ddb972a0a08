#include "loadtest/job_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include "core/support/units.hpp"

namespace coqueue::loadtest {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto request_timeout = 35s;  // above the longest server-side wait (30 s)
constexpr std::int64_t long_poll_ms = 30'000;

enum class JobEnd { running, succeeded, failed };

JobEnd job_end(const boost::json::value& record) {
  const auto* o = record.if_object();
  const auto* status = o ? o->if_contains("status") : nullptr;
  if (status == nullptr || !status->is_string()) return JobEnd::failed;
  const std::string_view s = status->as_string();
  if (s == "completed" || s == "SUCCESS") return JobEnd::succeeded;
  if (s == "failed" || s == "cancelled" || s == "FAILURE" || s == "REVOKED") return JobEnd::failed;
  return JobEnd::running;
}

std::string id_of(const boost::json::value& v) {
  const auto* o = v.if_object();
  const auto* id = o ? o->if_contains("id") : nullptr;
  if (id == nullptr) return {};
  if (id->is_string()) return std::string(id->as_string());
  if (id->is_int64()) return std::to_string(id->as_int64());
  return {};
}

}  // namespace

std::variant<WaitMode, std::string> WaitMode::parse(const std::string& text) {
  if (text == "long-poll") return WaitMode{};
  if (text == "submit-wait") return WaitMode{.in_submit = true};
  if (text.starts_with("poll:")) {
    const auto ms = parse_int(text.substr(5));
    if (ms && *ms >= 1 && *ms <= 60'000) {
      return WaitMode{.long_poll = false, .poll_interval = std::chrono::milliseconds(*ms)};
    }
  }
  return "--wait must be long-poll, submit-wait or poll:<ms> (1 to 60000), not '" + text + "'";
}

std::string WaitMode::describe() const {
  if (in_submit) return "submit-wait";
  return long_poll ? "long-poll" : "poll:" + std::to_string(poll_interval.count());
}

std::variant<Target, std::string> Target::parse(const std::string& url) {
  if (!url.starts_with("http://")) return "'" + url + "' is not an http://host:port URL";
  std::string rest = url.substr(7);
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  const auto colon = rest.rfind(':');
  const std::string host = rest.substr(0, colon);
  const auto port = colon == std::string::npos ? std::optional<std::int64_t>(80)
                                               : parse_int(rest.substr(colon + 1));
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec || !port || *port < 1 || *port > 65535) return "'" + url + "': bad host or port";
  // Load goes to this machine only.
  if (!address.is_loopback()) return "'" + url + "' is not a loopback address";
  return Target{.host = rest, .endpoint = {address, static_cast<unsigned short>(*port)}};
}

struct JobClient::Impl {
  Impl(asio::any_io_executor ex, Target t, WaitMode w, std::chrono::milliseconds jt)
      : stream(ex), timer(ex), target(std::move(t)), wait(w), job_timeout(jt) {}

  beast::tcp_stream stream;
  asio::steady_timer timer;
  beast::flat_buffer buffer;
  Target target;
  WaitMode wait;
  std::chrono::milliseconds job_timeout;
  bool connected = false;
  bool closed = false;  // close() was called: no new connection, no new request

  struct Answer {
    std::string error;  // empty when an HTTP answer came
    http::response<http::string_body> response;
  };

  static std::string kind(const boost::system::error_code& ec) {
    return ec == beast::error::timeout ? "timeout" : "connection";
  }

  awaitable<Answer> exchange(http::verb verb, std::string path, const std::string* body) {
    Answer a;
    if (closed) {
      a.error = "connection";
      co_return a;
    }
    if (!connected) {
      stream.expires_after(5s);
      auto [ec] =
          co_await stream.async_connect(target.endpoint, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        a.error = "connect";
        co_return a;
      }
      stream.socket().set_option(asio::ip::tcp::no_delay(true));
      connected = true;
      buffer.clear();
    }
    http::request<http::string_body> req{verb, path, 11};
    req.set(http::field::host, target.host);
    if (body != nullptr) {
      req.set(http::field::content_type, "application/json");
      req.body() = *body;
    }
    req.prepare_payload();
    stream.expires_after(request_timeout);
    auto [wec, written] =
        co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
    if (!wec) {
      auto [rec, read] = co_await http::async_read(stream, buffer, a.response,
                                                   asio::as_tuple(asio::use_awaitable));
      wec = rec;
    }
    if (wec) {
      a.error = kind(wec);
      drop();
    } else if (!a.response.keep_alive()) {
      drop();
    }
    co_return a;
  }

  void drop() {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
    connected = false;
  }
};

JobClient::JobClient(asio::any_io_executor ex, Target target, WaitMode wait,
                     std::chrono::milliseconds job_timeout)
    : impl_(std::make_unique<Impl>(std::move(ex), std::move(target), wait, job_timeout)) {}

JobClient::~JobClient() = default;

void JobClient::close() {
  impl_->closed = true;
  impl_->drop();
  impl_->timer.cancel();
}

awaitable<JobOutcome> JobClient::run(std::string body) {
  Impl& im = *impl_;
  JobOutcome out;
  const std::string jobs_path =
      im.wait.in_submit ? "/jobs?wait_ms=" + std::to_string(long_poll_ms) : "/jobs";
  Impl::Answer submit = co_await im.exchange(http::verb::post, jobs_path, &body);
  if (!submit.error.empty()) {
    out.error = submit.error;
    co_return out;
  }
  if (submit.response.result_int() / 100 != 2) {
    out.error = "http_" + std::to_string(submit.response.result_int());
    co_return out;
  }
  boost::system::error_code ec;
  const boost::json::value accepted = boost::json::parse(submit.response.body(), ec);
  const std::string id = ec ? std::string() : id_of(accepted);
  if (id.empty()) {
    out.error = "bad_response";
    co_return out;
  }
  out.was_submitted = true;
  out.submitted = Clock::now();
  if (submit.response.result_int() == 200) {  // it waited in the submission, and the job ended
    out.finished = out.submitted;
    if (job_end(accepted) == JobEnd::failed) out.error = "job_failed";
    co_return out;
  }

  const auto give_up = out.submitted + im.job_timeout;
  const std::string path =
      "/jobs/" + id + (im.wait.long_poll ? "?wait_ms=" + std::to_string(long_poll_ms) : "");
  for (;;) {
    if (!im.wait.long_poll) {
      im.timer.expires_after(im.wait.poll_interval);
      co_await im.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    Impl::Answer status = co_await im.exchange(http::verb::get, path, nullptr);
    if (!status.error.empty()) {
      out.error = status.error;
      co_return out;
    }
    if (status.response.result_int() != 200) {
      out.error = "http_" + std::to_string(status.response.result_int());
      co_return out;
    }
    const boost::json::value record = boost::json::parse(status.response.body(), ec);
    const JobEnd end = ec ? JobEnd::failed : job_end(record);
    if (end != JobEnd::running) {
      out.finished = Clock::now();
      if (end == JobEnd::failed) out.error = "job_failed";
      co_return out;
    }
    if (Clock::now() >= give_up) {
      out.error = "job_timeout";
      co_return out;
    }
  }
}

awaitable<std::optional<boost::json::value>> JobClient::get_json(std::string path) {
  Impl::Answer a = co_await impl_->exchange(http::verb::get, std::move(path), nullptr);
  if (!a.error.empty() || a.response.result_int() != 200) co_return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(a.response.body(), ec);
  if (ec) co_return std::nullopt;
  co_return v;
}

}  // namespace coqueue::loadtest
