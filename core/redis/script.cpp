#include "core/redis/script.hpp"

#include "core/redis/redis_errc.hpp"
#include "core/support/log.hpp"

namespace coqueue::redis {
namespace {

void push_evalsha(Request& r, const std::string& sha, const std::vector<std::string>& keys,
                  const std::vector<std::string>& args) {
  std::vector<std::string_view> words;
  words.reserve(2 + keys.size() + args.size());
  words.emplace_back(sha);
  const std::string count = std::to_string(keys.size());
  words.emplace_back(count);
  for (const auto& k : keys) words.emplace_back(k);
  for (const auto& a : args) words.emplace_back(a);
  r.push_range("EVALSHA", words);
}

}  // namespace

Script::Script(std::string name, std::string source)
    : name_(std::move(name)), source_(std::move(source)) {}

bool Script::is_noscript(const RespValue& reply) {
  return reply.is_error() && reply.text.starts_with("NOSCRIPT");
}

awaitable<std::error_code> Script::load(Connection& conn, std::chrono::milliseconds timeout) {
  Request r;
  r.push("SCRIPT", "LOAD", source_);
  const ExecResult result = co_await conn.exec(std::move(r), timeout);
  if (!result) co_return result.error();
  const RespValue& reply = result->front();
  if (reply.is_error() || !reply.is_string()) {
    log::error("redis.script_load_failed", {{"script", name_}, {"reply", reply.text}});
    co_return make_error_code(redis_errc::protocol_error);
  }
  sha_ = reply.text;
  co_return std::error_code{};
}

awaitable<ExecResult> Script::run_after(Connection& conn, Request first,
                                        std::vector<std::string> keys,
                                        std::vector<std::string> args,
                                        std::chrono::milliseconds timeout) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!sha_) {
      const std::error_code ec = co_await load(conn, timeout);
      if (ec) co_return ec;
    }
    Request call = first;  // kept whole for a second try
    push_evalsha(call, *sha_, keys, args);
    ExecResult result = co_await conn.exec(std::move(call), timeout);
    if (!result || !is_noscript(result->back())) co_return result;
    sha_.reset();
  }
  co_return make_error_code(redis_errc::protocol_error);
}

awaitable<ExecResult> Script::run(Connection& conn, std::vector<std::string> keys,
                                  std::vector<std::string> args,
                                  std::chrono::milliseconds timeout) {
  Request nothing_first;  // named: no temporaries inside co_await (GCC 12)
  co_return co_await run_after(conn, std::move(nothing_first), std::move(keys), std::move(args),
                               timeout);
}

}  // namespace coqueue::redis
