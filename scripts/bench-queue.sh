#!/usr/bin/env bash
# The Redis broker's enqueue and drain throughput against a private redis-server on loopback,
# with the redis-server's own CPU time over the run. Usage: scripts/bench-queue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$(( port + 1 )); done
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
  --daemonize no --loglevel warning >"$dir/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
ticks() { awk '{print $14 + $15}' "/proc/$redis_pid/stat"; }
before=$(ticks)
COQUEUE_BENCH_REDIS_URL="redis://127.0.0.1:$port" build/release/bench/coqueue-bench \
  --benchmark_filter='BM_RedisBroker' 2>/dev/null
echo "redis-server CPU over the run: $(( ($(ticks) - before) * 10 )) ms"
