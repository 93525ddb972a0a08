#pragma once
// A histogram with fixed upper bounds, shaped like a Prometheus histogram: cumulative counts
// are derived from per-bucket counts, plus the sum and the count of all observations.

#include <cstdint>
#include <vector>

namespace coqueue {

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds (inclusive), ascending; one more bucket takes the rest.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value);
  // Adds the observations of `other`, which has the same bounds.
  void add(const Histogram& other);

  const std::vector<double>& bounds() const { return bounds_; }
  // Observations at or under bounds()[i]; the last entry counts every observation (+Inf).
  std::vector<std::uint64_t> cumulative() const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> buckets_;  // bounds_.size() + 1, not cumulative
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace coqueue
