#include "worker/builtin/builtin.hpp"

namespace coqueue::worker::builtin {

void register_all(Registry& registry) {
  registry.add(echo_type());
  registry.add(sleep_type());
  registry.add(cpu_type());
  registry.add(fail_type());
}

}  // namespace coqueue::worker::builtin
