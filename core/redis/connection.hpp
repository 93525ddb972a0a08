#pragma once
// One multiplexed connection to Redis that any number of coroutines share.
//
// exec() queues a request; a writer sends every queued request in one write (automatic
// pipelining), and a reader hands each reply to the request at the head of the in-flight FIFO.
// The connection keeps itself up: it connects, says HELLO 3 (with AUTH and SETNAME), SELECTs the
// database, and after a drop reconnects with backoff and jitter.
//
// Failures are never retried behind the caller's back: a request already written when the link
// drops fails with connection_lost, because sending it again could run a non-idempotent command
// twice. A request not yet written waits for the next link, within its timeout. A request that
// times out after it was written is abandoned, not cancelled: its replies are read and dropped
// when they come, so the stream stays in step. Blocking commands (BLMOVE, BLPOP, SUBSCRIBE) do
// not belong here; they would stall every other caller.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <system_error>
#include <vector>

#include <boost/container/small_vector.hpp>
#include <boost/system/result.hpp>

#include "core/redis/config.hpp"
#include "core/redis/metrics.hpp"
#include "core/redis/request.hpp"
#include "core/redis/resp_value.hpp"
#include "core/support/awaitable.hpp"

namespace coqueue::redis {

// One per command of the request, in order; most requests hold one command, kept in place.
using Replies = boost::container::small_vector<RespValue, 1>;
using ExecResult = boost::system::result<Replies, std::error_code>;

class Connection {
 public:
  Connection(executor ex, Config config);
  ~Connection();  // close()s
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts connecting in the background; requests may be queued at once.
  void start();
  // Fails every pending request with `closed` and stops reconnecting.
  void close();

  awaitable<ExecResult> exec(Request request);  // with config.request_timeout
  awaitable<ExecResult> exec(Request request, std::chrono::milliseconds timeout);
  // One command whose answers come as RESP3 pushes, not replies (SUBSCRIBE, PSUBSCRIBE,
  // UNSUBSCRIBE…): done after `confirmations` confirmation pushes (one per name), with no
  // replies; or with the error reply when Redis refuses it (e.g. NOPERM).
  awaitable<ExecResult> exec_confirmed(Request request, std::size_t confirmations,
                                       std::chrono::milliseconds timeout);

  bool connected() const;
  const Metrics& metrics() const;
  const Config& config() const;

  // RESP3 pushes (pub/sub messages, invalidations) go here instead of to a request.
  void on_push(std::function<void(RespValue&&)> handler);
  // Called after each successful (re)connection, e.g. to resubscribe.
  void on_connect(std::function<void()> handler);

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace coqueue::redis
