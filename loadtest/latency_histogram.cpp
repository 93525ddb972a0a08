#include "loadtest/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace coqueue::loadtest {
namespace {

constexpr unsigned sub_bits = 7;  // 128 sub-buckets per power of two
constexpr std::uint64_t sub_count = 1u << sub_bits;
constexpr unsigned max_power = 40;  // values up to 2^40 µs (12 days); larger ones are clamped
constexpr std::size_t bucket_count = sub_count + (max_power - sub_bits) * sub_count;
constexpr std::uint64_t largest = (std::uint64_t{1} << max_power) - 1;

std::size_t index_of(std::uint64_t v) {
  if (v < sub_count) return static_cast<std::size_t>(v);
  const unsigned power = static_cast<unsigned>(std::bit_width(v)) - 1;  // v in [2^power, 2^power+1)
  const unsigned shift = power - sub_bits;
  const std::uint64_t sub = (v >> shift) - sub_count;  // 0..127 within the power
  return static_cast<std::size_t>(sub_count + (power - sub_bits) * sub_count + sub);
}

// The largest value that falls in bucket `index`.
std::uint64_t upper_of(std::size_t index) {
  if (index < sub_count) return index;
  const std::size_t above = index - sub_count;
  const unsigned shift = static_cast<unsigned>(above / sub_count);
  const std::uint64_t sub = above % sub_count;
  return ((sub_count + sub + 1) << shift) - 1;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(bucket_count, 0) {}

void LatencyHistogram::record_us(std::uint64_t micros) {
  const std::uint64_t v = std::min(micros, largest);
  ++buckets_[index_of(v)];
  ++count_;
  max_ = std::max(max_, v);
  sum_ += static_cast<long double>(v);
}

void LatencyHistogram::record(std::chrono::steady_clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  record_us(static_cast<std::uint64_t>(std::max<std::int64_t>(0, us)));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void LatencyHistogram::reset() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean_us() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::percentile_us(double fraction) const {
  if (count_ == 0) return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_of(i), max_);
  }
  return max_;
}

LatencySummary LatencyHistogram::summary_ms() const {
  const auto ms = [](std::uint64_t us) { return static_cast<double>(us) / 1000.0; };
  return {.count = count_,
          .mean = mean_us() / 1000.0,
          .p50 = ms(percentile_us(0.50)),
          .p90 = ms(percentile_us(0.90)),
          .p99 = ms(percentile_us(0.99)),
          .p999 = ms(percentile_us(0.999)),
          .max = ms(max_)};
}

}  // namespace coqueue::loadtest
