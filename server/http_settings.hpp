#pragma once
// Limits and deadlines of the HTTP layer.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace coqueue::server {

// Bounds of one WebSocket (GET /ws).
struct WebSocketLimits {
  std::size_t max_message_bytes = 1 << 20;  // one message from the client
  std::size_t max_outbox_messages = 1024;   // waiting to be sent: past either bound the client
  std::size_t max_outbox_bytes = 4 << 20;   // reads too slowly and is dropped (close 1008)
  std::size_t max_followed_jobs = 10'000;
  std::size_t max_followed_queues = 64;
};

struct HttpSettings {
  std::uint64_t body_limit = 1 << 20;                // larger bodies get 413
  std::uint32_t header_limit = 16 * 1024;            // larger headers get 431
  std::chrono::milliseconds header_timeout{10'000};  // from the first byte of a request
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds body_timeout{30'000};    // to receive the body after the headers
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds linger_time{5'000};  // draining a refused body, at most
  std::size_t max_connections = 10'000;
  WebSocketLimits websocket;
};

}  // namespace coqueue::server
