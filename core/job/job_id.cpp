#include "core/job/job_id.hpp"

#include <array>

namespace coqueue {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

void append_hex(std::string& out, std::uint64_t value, int digits) {
  for (int i = digits - 1; i >= 0; --i) out += hex_digits[(value >> (4 * i)) & 0xf];
}

}  // namespace

JobIdGenerator::JobIdGenerator() : rng_(std::random_device{}()) {}

std::string JobIdGenerator::next(SystemTime now, std::string_view queue) {
  std::int64_t ms = unix_millis(now);
  if (ms <= last_ms_) {
    // Same millisecond (or the clock stepped back): keep the last timestamp and count up.
    ms = last_ms_;
    if (++counter_ > 0xfff) {
      ++ms;  // counter spent: borrow the next millisecond rather than repeat an id
      counter_ = rng_() & 0x3ff;
    }
  } else {
    counter_ = rng_() & 0x3ff;  // leave headroom so the counter rarely overflows
  }
  last_ms_ = ms;

  const std::uint64_t rand_b = rng_();
  std::string id;
  id.reserve(36);
  append_hex(id, static_cast<std::uint64_t>(ms) >> 16, 8);
  id += '-';
  append_hex(id, static_cast<std::uint64_t>(ms) & 0xffff, 4);
  id += '-';
  append_hex(id, 0x7000 | counter_, 4);
  id += '-';
  append_hex(id, 0x8000 | ((rand_b >> 48) & 0x3000) | queue_tag(queue), 4);
  id += '-';
  append_hex(id, rand_b & 0xffffffffffffull, 12);
  return id;
}

bool is_job_id(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return text[14] == '7' &&
         (text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b');
}

std::uint16_t queue_tag(std::string_view queue) {
  std::uint32_t h = 2166136261u;
  for (const char c : queue) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return static_cast<std::uint16_t>((h ^ (h >> 12) ^ (h >> 24)) & 0xfff);
}

std::uint16_t queue_tag_of(std::string_view job_id) {
  std::uint16_t tag = 0;
  for (std::size_t i = 20; i < 23; ++i) {
    const char c = job_id[i];
    tag = static_cast<std::uint16_t>(tag << 4 | (c <= '9' ? c - '0' : c - 'a' + 10));
  }
  return tag;
}

}  // namespace coqueue
