// A worker program with a job type of its own, "word_count": it counts the words of a text and
// returns the most frequent ones. docs/handlers.md walks through it. Build: part of the normal
// build (examples/CMakeLists.txt); run it like coqueue-worker, with the same options.

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>

#include <boost/json/object.hpp>

#include "worker/builtin/builtin.hpp"
#include "worker/worker_app.hpp"

namespace {

using coqueue::awaitable;
using coqueue::worker::JobContext;

// Runs when the job is submitted, on the server when it has this handler; a refusal becomes a
// 422 with this message. Keep it cheap: it runs on the server's I/O thread.
std::optional<std::string> check_text(const boost::json::value& payload) {
  const boost::json::object* o = payload.if_object();
  if (o == nullptr || !o->contains("text") || !o->at("text").is_string()) {
    return "payload must be {\"text\": \"...\", \"top\": n}";
  }
  if (o->contains("top") && !o->at("top").is_int64()) return "\"top\" must be an integer";
  return std::nullopt;
}

// The handler: a coroutine on the worker's I/O thread. The counting is CPU work, so it runs on
// the CPU pool (ctx.run_cpu) and the I/O thread stays free for other jobs. Throwing fails the
// run (it is retried while attempts remain); the returned value is the job's result.
awaitable<boost::json::value> count_words(JobContext& ctx) {
  if (auto problem = check_text(ctx.payload())) throw std::invalid_argument(*problem);
  const std::string text(ctx.payload().at("text").as_string());
  const auto* top_field = ctx.payload().as_object().if_contains("top");
  const std::int64_t top = top_field ? std::clamp<std::int64_t>(top_field->as_int64(), 0, 100) : 3;

  std::map<std::string, std::int64_t> counts;
  std::int64_t words = 0;
  co_await ctx.run_cpu([&](std::stop_token stop) {
    std::string word;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i % 65536 == 0 && stop.stop_requested()) return;  // cancelled or timed out
      const char c = i < text.size() ? text[i] : ' ';
      if (std::isalnum(static_cast<unsigned char>(c))) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (!word.empty()) {
        ++counts[word];
        ++words;
        word.clear();
      }
    }
  });

  // Progress shows in the job record (GET /jobs/<id>) while the job runs, and stays after.
  boost::json::object progress{{"stage", "ranking"}, {"words", words}};
  co_await ctx.report_progress(std::move(progress));

  std::vector<std::pair<std::string, std::int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  boost::json::object most;
  for (std::size_t i = 0; i < sorted.size() && i < static_cast<std::size_t>(top); ++i) {
    most[sorted[i].first] = sorted[i].second;
  }
  co_return boost::json::object{{"words", words}, {"distinct", counts.size()}, {"top", most}};
}

}  // namespace

int main(int argc, char** argv) {
  coqueue::worker::Registry registry;
  coqueue::worker::builtin::register_all(registry);  // optional: echo, sleep, cpu, fail
  registry.add({.name = "word_count",
                .run = count_words,
                .check_payload = check_text,
                .summary = "{\"text\": \"...\", \"top\": n}: counts words, returns the top n"});
  return coqueue::worker::run_worker_main(argc, argv, registry);
}
