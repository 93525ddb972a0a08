#include "loadtest/interruption.hpp"

#include <signal.h>

#include <atomic>

namespace coqueue::loadtest {
namespace {

std::atomic<bool> asked{false};

void on_signal(int sig) {
  if (asked.exchange(true)) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
  }
}

}  // namespace

void install_interruption_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() {
  return asked.load();
}

}  // namespace coqueue::loadtest
