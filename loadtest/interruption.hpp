#pragma once
// Ctrl-C during a capacity run: the first SIGINT or SIGTERM asks the run to stop at once (the
// step in progress ends early, the deployment is stopped by PID, the report of what was measured
// is written); a second one ends the process, and the kernel takes the children with it.

namespace coqueue::loadtest {

void install_interruption_handler();
bool interrupted();

}  // namespace coqueue::loadtest
