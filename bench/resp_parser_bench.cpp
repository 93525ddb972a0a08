// RESP parsing and request serialization throughput, with no socket.

#include <benchmark/benchmark.h>

#include "core/redis/reply_builder.hpp"
#include "core/redis/request.hpp"
#include "core/redis/resp_parser.hpp"

namespace {

using namespace coqueue::redis;

// A stream of replies shaped like a queue's traffic: statuses, integers, job ids, small arrays.
std::string reply_stream(std::size_t bulk_size, int replies) {
  std::string s;
  const std::string bulk(bulk_size, 'x');
  for (int i = 0; i < replies; ++i) {
    // Appended piece by piece: "literal" + std::string trips a false GCC 12 -Wrestrict.
    s += "+OK\r\n:";
    s += std::to_string(i);
    s += "\r\n$";
    s += std::to_string(bulk.size());
    s += "\r\n";
    s += bulk;
    s += "\r\n";
    s += "*3\r\n$36\r\n01a20402-5c32-7167-a3ee-39d8ffc0e858\r\n:1\r\n_\r\n";
  }
  return s;
}

void parse(benchmark::State& state, bool build) {
  const std::string stream = reply_stream(static_cast<std::size_t>(state.range(0)), 1000);
  std::size_t replies = 0;
  for (auto _ : state) {
    RespParser parser;
    ReplyBuilder builder;
    std::string_view rest = stream;
    RespNode node;
    std::size_t used = 0;
    while (parser.next(rest, node, used) == RespParser::Status::node) {
      rest.remove_prefix(used);
      if (build) {
        if (builder.add(node)) benchmark::DoNotOptimize(builder.take());
      }
      if (parser.reply_done()) ++replies;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(replies));
}

// The parser alone (views into the buffer), and with replies built into RespValue trees.
void BM_RespParseNodes(benchmark::State& state) {
  parse(state, false);
}
void BM_RespParseAndBuild(benchmark::State& state) {
  parse(state, true);
}
BENCHMARK(BM_RespParseNodes)->Arg(16)->Arg(1024)->Arg(64 * 1024);
BENCHMARK(BM_RespParseAndBuild)->Arg(16)->Arg(1024)->Arg(64 * 1024);

void BM_RequestSerialize(benchmark::State& state) {
  const std::string value(static_cast<std::size_t>(state.range(0)), 'v');
  std::size_t bytes = 0;
  Request r;
  for (auto _ : state) {
    r.clear();
    r.push("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", 3, "{default}:pending",
           "{default}:processing:w1", "{default}:job:01a20402", value, 1700000000123LL);
    bytes += r.payload().size();
    benchmark::DoNotOptimize(r.payload().data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RequestSerialize)->Arg(16)->Arg(1024);

}  // namespace
