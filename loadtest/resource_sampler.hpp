#pragma once
// CPU time and memory of processes, read from /proc over a measuring window: CPU as the change
// of utime+stime between the window's ends, memory as the peak resident set seen by samples
// taken during it. The machine's total CPU comes from /proc/stat over the same window.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loadtest/report_model.hpp"

namespace coqueue::loadtest {

struct ProcessRef {
  std::string role;  // "server", "worker", "redis", "loadgen"
  std::string name;
  pid_t pid = 0;
};

struct ProcessReading {
  std::uint64_t cpu_ticks = 0;  // utime + stime, in clock ticks
  std::uint64_t rss_bytes = 0;
};

// Nothing when the process is gone (or /proc cannot say).
std::optional<ProcessReading> read_process(pid_t pid);

struct MachineCpuReading {
  std::uint64_t busy_ticks = 0;
  std::uint64_t total_ticks = 0;
};
MachineCpuReading read_machine_cpu();

class ResourceSampler {
 public:
  explicit ResourceSampler(std::vector<ProcessRef> processes);

  void begin();   // opens the window: first readings
  void sample();  // during the window: updates peak memory (call a few times a second)
  void end();     // closes the window: last readings

  std::vector<ProcessUsage> usage() const;  // per process, over the window
  double machine_cpu_percent() const;       // % of all cores, over the window
  double seconds() const;

 private:
  struct Tracked {
    ProcessRef ref;
    std::optional<ProcessReading> first;
    std::optional<ProcessReading> last;
    std::uint64_t peak_rss = 0;
  };
  std::vector<Tracked> tracked_;
  MachineCpuReading machine_first_;
  MachineCpuReading machine_last_;
  std::chrono::steady_clock::time_point began_;
  std::chrono::steady_clock::time_point ended_;
};

}  // namespace coqueue::loadtest
