#pragma once
// The Prometheus text exposition format (version 0.0.4), written by hand: families with their
// HELP and TYPE lines, samples with escaped label values, histograms from per-bucket counts.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coqueue::server {

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class PrometheusText {
 public:
  // Starts a family; every sample of it must follow before the next family starts.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  // `buckets`: counts per bucket, not cumulative, one more than `bounds` (the +Inf bucket).
  void histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<std::uint64_t>& buckets, double sum, std::uint64_t count);

  const std::string& text() const { return out_; }

 private:
  void labels(const Labels& labels, std::string_view extra_name = {},
              std::string_view extra_value = {});
  void number(double value);

  std::string out_;
};

}  // namespace coqueue::server
