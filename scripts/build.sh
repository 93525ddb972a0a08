#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release). Used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
# ccache hits across clones of the repository (paths relative to it, build dir not hashed).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
