#pragma once
// A coroutine's pause on a steady timer, for the load test's loops.

#include <chrono>

#include "core/support/awaitable.hpp"

namespace coqueue::loadtest {

awaitable<void> pause(std::chrono::steady_clock::duration d);

}  // namespace coqueue::loadtest
