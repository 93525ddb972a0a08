// coqueue-worker: a worker process with the built-in job types. A program with job types of its
// own looks the same, with its own registry.add() calls (docs/handlers.md).

#include "worker/builtin/builtin.hpp"
#include "worker/worker_app.hpp"

int main(int argc, char** argv) {
  coqueue::worker::Registry registry;
  coqueue::worker::builtin::register_all(registry);
  return coqueue::worker::run_worker_main(argc, argv, registry);
}
