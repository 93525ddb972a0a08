#pragma once
// A one-line progress bar on a terminal (redrawn in place); on anything else, one line per step
// so logs stay readable.

#include <chrono>
#include <string>

namespace coqueue::loadtest {

class ProgressBar {
 public:
  ProgressBar(bool enabled, int total_steps);

  void start_step(int index, std::string label);  // index counts from 1
  void update(double step_fraction);              // 0..1 of the current step
  void finish_step(const std::string& outcome);   // e.g. "8123 jobs/s p99 12 ms"

 private:
  void draw(double step_fraction);

  bool enabled_;
  bool terminal_;
  int total_;
  int index_ = 0;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace coqueue::loadtest
