#include "loadtest/resource_sampler.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <thread>

namespace coqueue::loadtest {
namespace {

using namespace std::chrono_literals;

// One direction of a pipe between the test and a forked child, closed on scope exit.
class Pipe {
 public:
  Pipe() {
    if (::pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~Pipe() {
    for (const int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  bool ok() const { return fds_[0] >= 0; }
  void send() const {
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(fds_[1], &byte, 1);
  }
  // Blocks until the other side sends; false after `timeout` or when it closed its end.
  bool receive(std::chrono::milliseconds timeout = 30s) const {
    pollfd p{.fd = fds_[0], .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return false;
    char byte = 0;
    return ::read(fds_[0], &byte, 1) == 1;
  }

 private:
  int fds_[2] = {-1, -1};
};

// A forked child running `body`, then parked until killed. Killed and reaped on scope exit, so
// a failed assertion never leaves a spinning process behind.
class Child {
 public:
  explicit Child(const std::function<void()>& body) {
    pid_ = ::fork();
    if (pid_ == 0) {
      body();
      for (;;) ::pause();
    }
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Spins until this process has used `seconds` more CPU: CPU time, not wall time, so a busy
// machine stretches the spin instead of shrinking what is burned.
void burn_cpu(double seconds) {
  const double until = process_cpu_seconds() + seconds;
  while (process_cpu_seconds() < until) {
  }
}

pid_t pid_that_does_not_exist() {
  int pid_max = 4'194'304;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  return static_cast<pid_t>(pid_max + 1);  // the kernel never hands out a PID above pid_max
}

TEST(ResourceSampler, MeasuresTheCpuTimeAChildBurns) {
  Pipe go;
  Pipe done;
  ASSERT_TRUE(go.ok() && done.ok());
  // The child waits for the window to open, so none of its 0.4 s is spent before begin().
  Child child([&] {
    if (!go.receive()) ::_exit(1);
    burn_cpu(0.4);
    done.send();
  });
  ASSERT_GT(child.pid(), 0);

  ResourceSampler sampler({{.role = "worker", .name = "worker-1", .pid = child.pid()}});
  sampler.begin();
  go.send();
  ASSERT_TRUE(done.receive()) << "the child did not finish burning";
  sampler.sample();
  sampler.end();

  const std::vector<ProcessUsage> usage = sampler.usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].role, "worker");
  EXPECT_EQ(usage[0].name, "worker-1");
  EXPECT_EQ(usage[0].pid, child.pid());
  EXPECT_GE(usage[0].cpu_seconds, 0.3);
  EXPECT_LE(usage[0].cpu_seconds, 0.6);
  ASSERT_GT(sampler.seconds(), 0.0);
  EXPECT_NEAR(usage[0].cpu_percent, 100.0 * usage[0].cpu_seconds / sampler.seconds(), 1e-6);
  EXPECT_GT(usage[0].rss_mb, 0.0);
  EXPECT_GE(sampler.machine_cpu_percent(), 0.0);
  EXPECT_LE(sampler.machine_cpu_percent(), 100.0);
}

TEST(ResourceSampler, PeakMemoryIsWhatSampleSawEvenAfterTheChildFreedIt) {
  constexpr std::size_t bytes = 64u << 20;
  Pipe filled;
  Pipe release;
  Pipe released;
  ASSERT_TRUE(filled.ok() && release.ok() && released.ok());
  Child child([&] {
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) ::_exit(1);
    std::memset(p, 0x5a, bytes);  // touched, so every page is resident
    filled.send();
    if (!release.receive()) ::_exit(1);
    ::munmap(p, bytes);
    released.send();
  });
  ASSERT_GT(child.pid(), 0);

  ResourceSampler sampler({{.role = "redis", .name = "redis", .pid = child.pid()}});
  sampler.begin();
  ASSERT_TRUE(filled.receive()) << "the child did not fill its memory";
  sampler.sample();
  release.send();
  ASSERT_TRUE(released.receive()) << "the child did not free its memory";
  sampler.end();

  const auto now = read_process(child.pid());
  ASSERT_TRUE(now.has_value());
  // Only sample() could have seen the 64 MB: both ends of the window read a small process.
  EXPECT_LT(static_cast<double>(now->rss_bytes) / (1024.0 * 1024.0), 60.0);
  EXPECT_GE(sampler.usage().at(0).rss_mb, 60.0);
  EXPECT_LT(sampler.usage().at(0).rss_mb_start, 60.0);
  EXPECT_LT(sampler.usage().at(0).rss_mb_end, 60.0);
}

TEST(ResourceSampler, ASleepingChildUsesAlmostNoCpu) {
  Pipe ready;
  ASSERT_TRUE(ready.ok());
  Child child([&] { ready.send(); });
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(ready.receive());

  ResourceSampler sampler({{.role = "server", .name = "server-1", .pid = child.pid()}});
  sampler.begin();
  std::this_thread::sleep_for(300ms);
  sampler.sample();
  sampler.end();

  const ProcessUsage u = sampler.usage().at(0);
  EXPECT_LE(u.cpu_seconds, 0.02);
  EXPECT_LE(u.cpu_percent, 7.0);
  EXPECT_GE(sampler.seconds(), 0.29);
}

TEST(ResourceSampler, AProcessThatDoesNotExistGivesZeros) {
  const pid_t missing = pid_that_does_not_exist();
  EXPECT_FALSE(read_process(missing).has_value());

  ResourceSampler sampler({{.role = "worker", .name = "worker-9", .pid = missing}});
  sampler.begin();
  sampler.sample();
  sampler.end();
  const std::vector<ProcessUsage> usage = sampler.usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].name, "worker-9");
  EXPECT_EQ(usage[0].pid, missing);
  EXPECT_EQ(usage[0].cpu_seconds, 0.0);
  EXPECT_EQ(usage[0].cpu_percent, 0.0);
  EXPECT_EQ(usage[0].rss_mb, 0.0);
}

TEST(ResourceSampler, AChildThatExitedButIsNotReapedReadsAsGone) {
  Child child([] { ::_exit(0); });
  ASSERT_GT(child.pid(), 0);
  // A zombie keeps its /proc entry until reaped, and must not count as a live process.
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child.pid()), &info, WEXITED | WNOWAIT), 0);
  EXPECT_FALSE(read_process(child.pid()).has_value());
}

TEST(ResourceSampler, ReadsThisProcess) {
  const auto self = read_process(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_GT(self->rss_bytes, 0u);
}

TEST(ResourceSampler, MachineCpuTotalsIncrease) {
  const MachineCpuReading before = read_machine_cpu();
  burn_cpu(0.1);  // /proc/stat counts in ticks of 10 ms: enough of them to see
  std::this_thread::sleep_for(50ms);
  const MachineCpuReading after = read_machine_cpu();
  EXPECT_GT(before.total_ticks, 0u);
  EXPECT_LE(before.busy_ticks, before.total_ticks);
  EXPECT_GT(after.total_ticks, before.total_ticks);
  EXPECT_GT(after.busy_ticks, before.busy_ticks);
  EXPECT_LE(after.busy_ticks - before.busy_ticks, after.total_ticks - before.total_ticks);
}

}  // namespace
}  // namespace coqueue::loadtest
