#pragma once
// What /proc says of a process the tests started: how many open descriptors (`fd`) or threads
// (`task`) it has, and its resident memory.

#include <sys/types.h>

#include <cstddef>
#include <string>

namespace coqueue::test {

// Entries of /proc/<pid>/<dir>: "fd" for open descriptors, "task" for threads.
std::size_t proc_entries(pid_t pid, const std::string& dir);

// VmRSS of /proc/<pid>/status in KiB, or -1.
long resident_kib(pid_t pid);

}  // namespace coqueue::test
