#pragma once
// A connection's counters: what it sent, what came back, how long round trips took, how often
// the link was lost. Plain numbers, read by GET /metrics and the benchmarks.

#include <array>
#include <cstdint>

namespace coqueue::redis {

struct Metrics {
  std::uint64_t requests = 0;       // exec() calls written
  std::uint64_t commands = 0;       // commands written
  std::uint64_t writes = 0;         // socket writes (requests / writes = pipelining factor)
  std::uint64_t replies = 0;        // replies read
  std::uint64_t error_replies = 0;  // of which Redis errors (-ERR ...)
  std::uint64_t pushes = 0;         // out-of-band RESP3 pushes
  std::uint64_t timeouts = 0;       // requests that gave up waiting
  std::uint64_t connects = 0;       // successful (re)connections
  std::uint64_t disconnects = 0;    // links lost
  // Round trips of completed requests, from write to last reply: bucket i counts those under
  // 2^i microseconds (the last bucket takes the rest).
  std::array<std::uint64_t, 24> round_trip_us_log2{};

  // Adds another client's figures (a server with several threads has a client per thread).
  Metrics& operator+=(const Metrics& other) {
    requests += other.requests;
    commands += other.commands;
    writes += other.writes;
    replies += other.replies;
    error_replies += other.error_replies;
    pushes += other.pushes;
    timeouts += other.timeouts;
    connects += other.connects;
    disconnects += other.disconnects;
    for (std::size_t i = 0; i < round_trip_us_log2.size(); ++i) {
      round_trip_us_log2[i] += other.round_trip_us_log2[i];
    }
    return *this;
  }
};

}  // namespace coqueue::redis
