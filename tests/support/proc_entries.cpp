#include "tests/support/proc_entries.hpp"

#include <filesystem>
#include <fstream>

namespace coqueue::test {

std::size_t proc_entries(pid_t pid, const std::string& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/" + dir)) {
    ++n;
  }
  return n;
}

long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace coqueue::test
