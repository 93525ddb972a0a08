#!/usr/bin/env bash
# Sets up the machine, builds with warnings as errors, and runs the whole test suite: unit tests
# and end-to-end tests that start real coqueue-server (and redis-server) processes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
start=$(date +%s)
scripts/build.sh ci
echo "test: build took $(( $(date +%s) - start )) s"
start=$(date +%s)
ctest --preset ci -j "$(nproc)" --timeout 300
echo "test: tests took $(( $(date +%s) - start )) s"
