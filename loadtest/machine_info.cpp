#include "loadtest/machine_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

namespace coqueue::loadtest {

Machine read_machine() {
  Machine m;
  m.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::ifstream meminfo("/proc/meminfo");
  for (std::string key; meminfo >> key;) {
    if (key == "MemTotal:") {
      double kb = 0;
      meminfo >> kb;
      m.memory_gb = kb / (1024.0 * 1024.0);
      break;
    }
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) m.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  utsname u{};
  if (::uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  return m;
}

}  // namespace coqueue::loadtest
