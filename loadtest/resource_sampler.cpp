#include "loadtest/resource_sampler.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace coqueue::loadtest {
namespace {

const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
const std::uint64_t page_bytes = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));

}  // namespace

std::optional<ProcessReading> read_process(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses; the fields after its closing
  // parenthesis are plain. Counting from field 3 (state): utime is the 12th, stime the 13th,
  // rss (in pages) the 22nd.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::vector<std::string> f;
  for (std::string token; fields >> token && f.size() < 22;) f.push_back(token);
  if (f.size() < 22) return std::nullopt;
  if (f[0] == "Z" || f[0] == "X") return std::nullopt;  // exited, not yet reaped
  ProcessReading r;
  r.cpu_ticks = std::stoull(f[11]) + std::stoull(f[12]);
  r.rss_bytes = std::stoull(f[21]) * page_bytes;
  return r;
}

MachineCpuReading read_machine_cpu() {
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;  // "cpu": the sum over all cores
  MachineCpuReading r;
  std::uint64_t value = 0;
  for (int i = 0; i < 8 && in >> value; ++i) {  // user nice system idle iowait irq softirq steal
    r.total_ticks += value;
    if (i != 3 && i != 4) r.busy_ticks += value;
  }
  return r;
}

ResourceSampler::ResourceSampler(std::vector<ProcessRef> processes) {
  for (ProcessRef& ref : processes) {
    Tracked t;
    t.ref = std::move(ref);
    tracked_.push_back(std::move(t));
  }
}

void ResourceSampler::begin() {
  began_ = std::chrono::steady_clock::now();
  machine_first_ = read_machine_cpu();
  for (Tracked& t : tracked_) {
    t.first = read_process(t.ref.pid);
    t.last.reset();
    t.peak_rss = t.first ? t.first->rss_bytes : 0;
  }
}

void ResourceSampler::sample() {
  for (Tracked& t : tracked_) {
    if (const auto r = read_process(t.ref.pid)) t.peak_rss = std::max(t.peak_rss, r->rss_bytes);
  }
}

void ResourceSampler::end() {
  for (Tracked& t : tracked_) {
    t.last = read_process(t.ref.pid);
    if (t.last) t.peak_rss = std::max(t.peak_rss, t.last->rss_bytes);
  }
  machine_last_ = read_machine_cpu();
  ended_ = std::chrono::steady_clock::now();
}

double ResourceSampler::seconds() const {
  return std::chrono::duration<double>(ended_ - began_).count();
}

std::vector<ProcessUsage> ResourceSampler::usage() const {
  const double window = std::max(seconds(), 1e-9);
  std::vector<ProcessUsage> out;
  for (const Tracked& t : tracked_) {
    ProcessUsage u{.role = t.ref.role, .name = t.ref.name, .pid = static_cast<int>(t.ref.pid)};
    if (t.first && t.last && t.last->cpu_ticks >= t.first->cpu_ticks) {
      u.cpu_seconds =
          static_cast<double>(t.last->cpu_ticks - t.first->cpu_ticks) / ticks_per_second;
      u.cpu_percent = 100.0 * u.cpu_seconds / window;
    }
    constexpr double mib = 1024.0 * 1024.0;
    u.rss_mb = static_cast<double>(t.peak_rss) / mib;
    if (t.first) u.rss_mb_start = static_cast<double>(t.first->rss_bytes) / mib;
    if (t.last) u.rss_mb_end = static_cast<double>(t.last->rss_bytes) / mib;
    out.push_back(std::move(u));
  }
  return out;
}

double ResourceSampler::machine_cpu_percent() const {
  const std::uint64_t total = machine_last_.total_ticks - machine_first_.total_ticks;
  if (total == 0) return 0;
  return 100.0 * static_cast<double>(machine_last_.busy_ticks - machine_first_.busy_ticks) /
         static_cast<double>(total);
}

}  // namespace coqueue::loadtest
