#include "loadtest/job_mix.hpp"

#include <numeric>

#include "core/support/units.hpp"

namespace coqueue::loadtest {
namespace {

constexpr int max_total_weight = 10'000;

}  // namespace

std::variant<JobMix, std::string> JobMix::parse(const std::string& spec,
                                                std::size_t payload_bytes) {
  JobMix mix;
  mix.spec_ = spec;
  std::size_t start = 0;
  while (start <= spec.size()) {
    const auto comma = spec.find(',', start);
    const std::string item =
        spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
    if (item.empty()) return "empty entry in job mix '" + spec + "'";

    MixEntry entry;
    std::string job = item;
    if (const auto eq = item.find('='); eq != std::string::npos) {
      const auto weight = parse_int(item.substr(eq + 1));
      if (!weight || *weight < 1 || *weight > max_total_weight) {
        return "weight in '" + item + "' must be a whole number from 1 to 10000";
      }
      entry.weight = static_cast<int>(*weight);
      job = item.substr(0, eq);
    }
    entry.label = job;
    if (job == "echo") {
      entry.body = R"({"type":"echo","payload":{)";
      if (payload_bytes > 0) entry.body += R"("data":")" + std::string(payload_bytes, 'x') + '"';
      entry.body += "}}";
    } else if (job.starts_with("sleep:") || job.starts_with("cpu:")) {
      const auto colon = job.find(':');
      const auto ms = parse_int(job.substr(colon + 1));
      if (!ms || *ms < 0 || *ms > 600'000) {
        return "'" + job + "': milliseconds must be a whole number from 0 to 600000";
      }
      entry.body = R"({"type":")" + job.substr(0, colon) + R"(","payload":{"ms":)" +
                   std::to_string(*ms) + "}}";
    } else {
      return "unknown job '" + job + "' (echo, sleep:<ms> or cpu:<ms>)";
    }
    mix.entries_.push_back(std::move(entry));
  }
  const int total = std::accumulate(mix.entries_.begin(), mix.entries_.end(), 0,
                                    [](int sum, const MixEntry& e) { return sum + e.weight; });
  if (total > max_total_weight) return "the weights of the job mix add up to more than 10000";

  // Smooth weighted round robin: each turn every entry gains its weight, the richest is picked
  // and pays the total. Weights 1 and 3 give b a b b, not a b b b.
  std::vector<int> credit(mix.entries_.size(), 0);
  for (int turn = 0; turn < total; ++turn) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < credit.size(); ++i) {
      credit[i] += mix.entries_[i].weight;
      if (credit[i] > credit[best]) best = i;
    }
    credit[best] -= total;
    mix.order_.push_back(best);
  }
  return mix;
}

}  // namespace coqueue::loadtest
