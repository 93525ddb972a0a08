#pragma once
// The job types every coqueue process knows: echo, sleep, cpu and fail.

#include <cstdint>

#include "worker/registry.hpp"

namespace coqueue::worker::builtin {

JobType echo_type();   // result is the payload
JobType sleep_type();  // {"ms": n}: waits without holding a thread (an I/O-bound stand-in)
JobType cpu_type();    // {"ms": n} or {"iterations": n}: burns CPU on the pool for real
JobType fail_type();   // {"times": k}: fails its first k attempts (all of them if absent)

void register_all(Registry& registry);

// One step of the cpu job's hash chain (splitmix64), exposed for tests and benchmarks.
std::uint64_t chain_step(std::uint64_t x);

}  // namespace coqueue::worker::builtin
