// libFuzzer target for the HTTP request path, driven as bytes with no socket. The bytes are what
// a client sends on one connection: Beast's request parser reads them with the server's limits,
// and each request it completes (a few, pipelined) goes through the Api — router, access check,
// handlers, job and schedule validation — over an in-memory broker made fresh for each input.
// Beyond "no crash, no UB, no leak", it checks what every client may rely on: a real status,
// never a 500 (the Api's answer to a bug), and a body that parses wherever it is called JSON.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>

#include "core/queue/memory_broker.hpp"
#include "server/api.hpp"
#include "server/beast_request.hpp"
#include "server/http_settings.hpp"
#include "tests/support/run_coroutine.hpp"
#include "worker/builtin/builtin.hpp"

namespace {

using namespace coqueue;
using namespace coqueue::server;
namespace beast = boost::beast;
namespace http = beast::http;
using Message = http::request<http::string_body>;

// Pipelined requests read from one input: enough for a submit followed by reads of what it
// changed, few enough that an input stays cheap.
constexpr std::size_t max_requests_per_input = 8;
// Nothing the Api does here waits on a clock (see fuzz_api_settings), so a request still
// unanswered after this long is stuck: run_coroutine throws, and libFuzzer reports it.
constexpr std::chrono::milliseconds request_deadline{5'000};

const worker::Registry& builtin_types() {
  static const worker::Registry types = [] {
    worker::Registry r;
    worker::builtin::register_all(r);
    return r;
  }();
  return types;
}

ApiSettings fuzz_api_settings() {
  ApiSettings settings;
  // GET /jobs/<id>?wait_ms=N long-polls for min(N, max_wait). With a cap of zero the Api still
  // parses and checks wait_ms, then answers at once with the job as it stands, so no input can
  // hold the fuzzer for the product's default 30 s.
  settings.max_wait = std::chrono::milliseconds(0);
  return settings;
}

// Reads one request from the front of `bytes` as the session's reads would, all of it at hand:
// true when a whole request came out; `used` is how many bytes it took.
bool read_request(std::string_view bytes, http::request_parser<http::string_body>& parser,
                  std::size_t& used) {
  beast::error_code ec;
  used = 0;
  while (!parser.is_done()) {
    if (used < bytes.size()) {
      const std::size_t n =
          parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      used += n;
      if (ec == http::error::need_more) ec = {};
      if (ec) return false;  // the session answers 400, 413 or 431 and closes
      if (n > 0) continue;
    }
    // Nothing left, or too little for the parser to take: the client stopped sending, and the
    // session's read meets the end of the stream.
    parser.put_eof(ec);
    return !ec && parser.is_done();
  }
  return true;
}

bool is_json_text(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = 256;  // a record may wrap a payload the body nested 64 deep
  boost::system::error_code ec;
  boost::json::parse(body, ec, {}, options);
  return !ec;
}

void check_answer(const Response& response, const std::string& target) {
  const bool real_status = response.status >= 100 && response.status <= 599;
  const bool bug = response.status == 500;
  const bool bad_json = response.content_type == "application/json" && !is_json_text(response.body);
  if (real_status && !bug && !bad_json) return;
  std::fprintf(stderr, "http_request_fuzz: %s answered %u (%s): %.*s\n", target.c_str(),
               response.status, response.content_type.c_str(),
               static_cast<int>(std::min<std::size_t>(response.body.size(), 2000)),
               response.body.data());
  std::abort();
}

void serve_connection(std::string_view bytes) {
  const HttpSettings limits{};
  // Declared in this order (as in tests/unit/api_test.cpp) so the Api and the broker go before
  // the context that ran them. All three are per input: no state, and no memory, carries over.
  asio::io_context io;
  MemoryBroker broker(io.get_executor(), {});
  Api api(broker, builtin_types(), fuzz_api_settings());

  for (std::size_t i = 0; i < max_requests_per_input && !bytes.empty(); ++i) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.header_limit);
    parser.body_limit(limits.body_limit);
    parser.eager(true);  // headers and body in one go, as http::async_read does
    std::size_t used = 0;
    if (!read_request(bytes, parser, used)) break;
    bytes.remove_prefix(used);
    // A GET /ws that asks to upgrade goes to the WebSocket session, not the Api; here the Api
    // answers it 426, which is fine for its checks.
    Message& message = parser.get();
    const bool keep_alive = message.keep_alive();
    const std::string target(message.target());
    const Response response = test::run(io, api.handle(to_request(message)), request_deadline);
    check_answer(response, target);
    if (!keep_alive) break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  serve_connection(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
