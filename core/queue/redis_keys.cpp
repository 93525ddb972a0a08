#include "core/queue/redis_keys.hpp"

namespace coqueue::keys {
namespace {

std::string tagged(std::string_view queue, std::string_view what) {
  std::string k;
  k.reserve(prefix.size() + queue.size() + what.size() + 4);
  k += prefix;
  k += ":{";
  k += queue;
  k += "}:";
  k += what;
  return k;
}

}  // namespace

std::string pending(std::string_view queue) {
  return tagged(queue, "pending");
}

std::string processing(std::string_view queue, std::string_view worker) {
  std::string k = tagged(queue, "processing:");
  k += worker;
  return k;
}

std::string scheduled(std::string_view queue) {
  return tagged(queue, "scheduled");
}
std::string dead(std::string_view queue) {
  return tagged(queue, "dead");
}
std::string job_prefix(std::string_view queue) {
  return tagged(queue, "job:");
}

std::string job(std::string_view queue, std::string_view id) {
  std::string k = job_prefix(queue);
  k += id;
  return k;
}

std::string counts(std::string_view queue) {
  return tagged(queue, "counts");
}

std::string metrics(std::string_view queue) {
  return tagged(queue, "metrics");
}

std::string idempotency(std::string_view queue, std::string_view key) {
  std::string k = tagged(queue, "idem:");
  k += key;
  return k;
}

std::string workers(std::string_view queue) {
  return tagged(queue, "workers");
}

std::string sleepers(std::string_view queue) {
  return tagged(queue, "sleepers");
}

std::string paused(std::string_view queue) {
  return tagged(queue, "paused");
}

std::string index(std::string_view queue) {
  return tagged(queue, "index");
}

std::string expiring(std::string_view queue) {
  return tagged(queue, "expiring");
}

std::string schedules() {
  return std::string(prefix) + ":schedules";
}

std::string schedule(std::string_view name) {
  std::string k(prefix);
  k += ":schedule:{";
  k += name;
  k += '}';
  return k;
}

std::string wake(std::string_view worker) {
  std::string k(prefix);
  k += ":wake:{";
  k += worker;
  k += '}';
  return k;
}

std::string worker_alive(std::string_view worker) {
  std::string k(prefix);
  k += ":worker:";
  k += worker;
  return k;
}

std::string types() {
  std::string k(prefix);
  k += ":types";
  return k;
}

std::string recoverer_lock() {
  std::string k(prefix);
  k += ":recoverer";
  return k;
}

std::string queues_tagged(std::uint16_t tag) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string k(prefix);
  k += ":tag:";
  k += hex[(tag >> 8) & 0xf];
  k += hex[(tag >> 4) & 0xf];
  k += hex[tag & 0xf];
  return k;
}

std::string queues() {
  std::string k(prefix);
  k += ":queues";
  return k;
}

std::string done_channel(std::string_view queue) {
  return tagged(queue, "done");
}

std::string done_pattern() {
  std::string p(prefix);
  p += ":{*}:done";
  return p;
}

std::string changed_channel(std::string_view queue) {
  return tagged(queue, "changed");
}

std::string changed_pattern() {
  std::string p(prefix);
  p += ":{*}:changed";
  return p;
}

std::string cancel_channel() {
  std::string c(prefix);
  c += ":cancel";
  return c;
}

namespace {

std::string_view queue_of_channel(std::string_view channel, std::string_view tail) {
  const std::string head = std::string(prefix) + ":{";
  if (!channel.starts_with(head) || !channel.ends_with(tail)) return {};
  return channel.substr(head.size(), channel.size() - head.size() - tail.size());
}

}  // namespace

std::string_view queue_of_done_channel(std::string_view channel) {
  return queue_of_channel(channel, "}:done");
}

std::string_view queue_of_changed_channel(std::string_view channel) {
  return queue_of_channel(channel, "}:changed");
}

}  // namespace coqueue::keys
