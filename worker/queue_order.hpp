#pragma once
// The order in which a worker looks at its queues for the next job. Strict priority: always as
// configured. Weighted: a queue comes first with a chance proportional to its weight (then the
// second among the rest, and so on), so `critical:3,default:1` serves critical about 3 times
// in 4 while both have jobs, and never starves default.

#include <cstdint>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace coqueue::worker {

struct QueueWeights {
  std::vector<std::string> names;
  std::vector<std::uint32_t> weights;  // same length as names, each at least 1
  bool strict = true;                  // order as given (true when no weight was given)
};

// `critical:3,default:1` or `a,b,c`; an error message naming the bad item otherwise.
std::variant<QueueWeights, std::string> parse_queue_weights(const std::string& text);

// The queues in the order to try for one claim.
std::vector<std::string> claim_order(const QueueWeights& queues, std::mt19937_64& rng);

}  // namespace coqueue::worker
