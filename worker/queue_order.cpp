#include "worker/queue_order.hpp"

#include "core/job/job_spec.hpp"
#include "core/support/option_reader.hpp"
#include "core/support/units.hpp"

namespace coqueue::worker {

std::variant<QueueWeights, std::string> parse_queue_weights(const std::string& text) {
  QueueWeights out;
  bool weighted = false;
  for (const std::string& item : split_list(text)) {
    const auto colon = item.find(':');
    std::string name = item.substr(0, colon);
    std::uint32_t weight = 1;
    if (colon != std::string::npos) {
      const auto n = parse_int(std::string_view(item).substr(colon + 1));
      if (!n || *n < 1 || *n > 1000) {
        return "a queue's weight must be an integer from 1 to 1000, not '" + item + "'";
      }
      weight = static_cast<std::uint32_t>(*n);
      weighted = true;
    }
    if (!is_valid_queue_name(name)) return "bad queue name '" + name + "'";
    for (const std::string& seen : out.names) {
      if (seen == name) return "queue '" + name + "' is named twice";
    }
    out.names.push_back(std::move(name));
    out.weights.push_back(weight);
  }
  if (out.names.empty()) return "name at least one queue";
  out.strict = !weighted;
  return out;
}

std::vector<std::string> claim_order(const QueueWeights& queues, std::mt19937_64& rng) {
  if (queues.strict || queues.names.size() < 2) return queues.names;
  std::vector<std::size_t> left(queues.names.size());
  for (std::size_t i = 0; i < left.size(); ++i) left[i] = i;
  std::vector<std::string> order;
  order.reserve(left.size());
  while (!left.empty()) {
    std::uint64_t total = 0;
    for (const std::size_t i : left) total += queues.weights[i];
    std::uniform_int_distribution<std::uint64_t> pick(0, total - 1);
    std::uint64_t at = pick(rng);
    std::size_t chosen = 0;
    while (at >= queues.weights[left[chosen]]) at -= queues.weights[left[chosen++]];
    order.push_back(queues.names[left[chosen]]);
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(chosen));
  }
  return order;
}

}  // namespace coqueue::worker
