#pragma once
// The jobs a load test submits: a weighted mix of echo, sleep:<ms> and cpu:<ms>, handed out in a
// fixed interleaved order (smooth weighted round robin), so every step sees the same mix in the
// same proportions from its first jobs on, with no randomness between runs.

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

namespace coqueue::loadtest {

struct MixEntry {
  std::string label;  // as written: "echo", "sleep:20", "cpu:2"
  std::string body;   // the POST /jobs body
  int weight = 1;
};

class JobMix {
 public:
  // `spec`: comma-separated `kind[:ms][=weight]`, e.g. "cpu:2=1,sleep:20=3" or "echo".
  // `payload_bytes` pads echo payloads with a string of that many bytes.
  static std::variant<JobMix, std::string> parse(const std::string& spec,
                                                 std::size_t payload_bytes = 0);

  const std::vector<MixEntry>& entries() const { return entries_; }
  const std::string& spec() const { return spec_; }
  // The body of the n-th job (n counts from 0 and wraps).
  const std::string& body(std::size_t n) const { return entries_[order_[n % order_.size()]].body; }

 private:
  std::string spec_;
  std::vector<MixEntry> entries_;
  std::vector<std::size_t> order_;  // one cycle of the interleaved order: sum of weights long
};

}  // namespace coqueue::loadtest
