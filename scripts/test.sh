#!/usr/bin/env bash
# Sets up the machine, fuzzes the parsers for a bounded time (seed corpora replayed first),
# then builds and runs the test suite three times: a release build with warnings as errors (every
# test), an ASan+UBSan build (every test but the fault runs), and a TSan build (the unit and
# Redis client tests, where threads meet). The suite has unit tests and end-to-end tests that
# start real coqueue-server, coqueue-worker and redis-server processes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
start=$(date +%s)
scripts/fuzz.sh "${COQUEUE_FUZZ_SECONDS:-30}"
echo "test: fuzzing took $(( $(date +%s) - start )) s"
for preset in ci asan tsan; do
  start=$(date +%s)
  scripts/build.sh "$preset"
  echo "test: $preset build took $(( $(date +%s) - start )) s"
  start=$(date +%s)
  ctest --preset "$preset" -j "$(nproc)" --timeout 300
  echo "test: $preset tests took $(( $(date +%s) - start )) s"
done
