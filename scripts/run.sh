#!/usr/bin/env bash
# The main job, end to end: set up, build, and run a short capacity run on loopback. The load
# test starts its own private redis-server and coqueue-server, and for each worker count of the
# sweep that many coqueue-worker processes; drives 10, 50, 100 and 200 closed-loop clients with a
# mix of CPU-bound (cpu:2) and I/O-bound (sleep:20) jobs; stops every process by its PID; and
# writes reports/<timestamp>/report.{html,md,json} with the worker count each client count needs
# for a p99 under 250 ms with every process under 80% of a core. About a minute and a half after
# the build. Extra arguments go to coqueue-loadtest (e.g. --clients 10,50 --duration 3s).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release >/dev/null
echo "run: built build/release; starting the capacity run"
exec build/release/loadtest/coqueue-loadtest --spawn \
  --clients 10,50,100,200 --workers 1,2,4 --worker-concurrency 8 \
  --job cpu:2=1,sleep:20=3 --duration 5s --warmup 1s \
  --p99-goal 250ms --cpu-ceiling 80 --out reports "$@"
