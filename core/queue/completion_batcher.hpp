#pragma once
// Acknowledges the successful runs of a busy worker in batches: while one complete.lua call for
// a queue is on the wire, the completions that arrive meanwhile wait, and then go together in
// the next call (one script run for up to `max_batch` runs). A lone completion on an idle queue
// goes at once, so batching costs no latency. Each caller still gets its own verdict.

#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "core/redis/connection.hpp"
#include "core/redis/script.hpp"
#include "core/support/awaitable.hpp"

namespace coqueue {

class CompletionBatcher {
 public:
  struct Settings {
    std::chrono::milliseconds result_ttl{std::chrono::hours(1)};  // 0 keeps results
    std::chrono::milliseconds request_timeout{5000};
    std::size_t max_batch = 200;
  };

  CompletionBatcher(executor ex, redis::Connection& conn, Settings settings);

  // True when Redis recorded the run's result; false when it refused it (the run no longer
  // holds the job). Throws std::system_error when Redis could not be asked or did not answer.
  // `note`: announce a note on the run with its end (a request waits for it).
  awaitable<bool> complete(std::string queue, std::string id, std::string worker, std::string run,
                           std::string result_json, bool note);

  // Wakes every waiting caller with an error (the broker is closing).
  void close();

 private:
  struct Item {
    std::string id, worker, run, result;
    bool note = false;
    asio::steady_timer* wake = nullptr;
    int verdict = -1;  // 1 recorded, 0 refused
    std::error_code error;
    bool done = false;
  };
  struct Queue {
    std::list<Item*> waiting;
    bool flushing = false;
  };

  awaitable<void> flush(std::string queue, std::shared_ptr<bool> alive);
  void finish(Item& item, int verdict, std::error_code error);

  executor ex_;
  redis::Connection& conn_;
  Settings settings_;
  redis::Script script_;
  std::unordered_map<std::string, Queue> queues_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace coqueue
