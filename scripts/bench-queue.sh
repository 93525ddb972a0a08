#!/usr/bin/env bash
# The Redis broker's enqueue and drain throughput against a private redis-server on loopback,
# with the redis-server's own CPU time over the run. Usage: scripts/bench-queue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
source scripts/lib/private-redis.sh
ticks() { awk '{print $14 + $15}' "/proc/$redis_pid/stat"; }
before=$(ticks)
COQUEUE_BENCH_REDIS_URL="redis://127.0.0.1:$port" build/release/bench/coqueue-bench \
  --benchmark_filter='BM_RedisBroker' 2>/dev/null
echo "redis-server CPU over the run: $(( ($(ticks) - before) * 10 )) ms"
