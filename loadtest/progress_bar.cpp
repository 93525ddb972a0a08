#include "loadtest/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace coqueue::loadtest {

ProgressBar::ProgressBar(bool enabled, int total_steps)
    : enabled_(enabled),
      terminal_(::isatty(STDERR_FILENO) == 1),
      total_(total_steps),
      started_(std::chrono::steady_clock::now()) {}

void ProgressBar::start_step(int index, std::string label) {
  index_ = index;
  label_ = std::move(label);
  if (enabled_ && terminal_) draw(0);
}

void ProgressBar::update(double step_fraction) {
  if (!enabled_ || !terminal_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(step_fraction);
}

void ProgressBar::draw(double step_fraction) {
  constexpr int width = 30;
  const double overall = std::clamp(((index_ - 1) + step_fraction) / std::max(1, total_), 0.0, 1.0);
  const int filled = static_cast<int>(overall * width);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  std::fprintf(stderr, "\r[%.*s%.*s] %3.0f%%  step %d/%d  %-28s %lds \x1b[K", filled,
               "##############################", width - filled, "                              ",
               overall * 100, index_, total_, label_.c_str(), static_cast<long>(elapsed));
  std::fflush(stderr);
}

void ProgressBar::finish_step(const std::string& outcome) {
  if (!enabled_) return;
  if (terminal_) std::fprintf(stderr, "\r\x1b[K");
  std::fprintf(stderr, "step %d/%d  %-28s %s\n", index_, total_, label_.c_str(), outcome.c_str());
  std::fflush(stderr);
}

}  // namespace coqueue::loadtest
