#!/usr/bin/env bash
# End to end on Redis: K closed-loop HTTP clients (coqueue-loadtest), each submitting an echo job
# and waiting for its result, against one coqueue-server and one coqueue-worker on a private
# redis-server on loopback. Prints jobs/s, latency percentiles and the CPU per job of the server,
# the worker and redis-server.
#
# Usage: scripts/bench-e2e.sh [seconds] [bin-dir...]
#   seconds  how long each K runs (default 5)
#   bin-dir  directories holding coqueue-server and coqueue-worker to compare, each measured in
#            turn against the same redis-server (default: build/release's); the clients are
#            always build/release's coqueue-loadtest
# COQUEUE_BENCH_SERVER_ARGS and COQUEUE_BENCH_WORKER_ARGS add flags to the server and the worker
# (e.g. COQUEUE_BENCH_SERVER_ARGS="--threads 2"); COQUEUE_BENCH_WAIT is how the clients wait
# (coqueue-loadtest --wait: long-poll, the default, or submit-wait).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
source scripts/lib/compare-builds.sh

for d in "${dirs[@]}"; do
  redis-cli -p "$port" flushall >/dev/null
  log=$(mktemp)
  # shellcheck disable=SC2086  # the extra flags are meant to split
  "$(bin "$d" server)" --backend redis --redis "$url" --listen 127.0.0.1:0 --log-level warn \
    --log-format json ${COQUEUE_BENCH_SERVER_ARGS:-} >"$log" 2>&1 &
  server=$!
  # shellcheck disable=SC2086
  "$(bin "$d" worker)" --redis "$url" --concurrency 64 --log-level warn \
    ${COQUEUE_BENCH_WORKER_ARGS:-} >/dev/null 2>&1 &
  worker=$!
  # The server logs its port at info; warn hides it, so ask the kernel.
  listen=""
  for _ in $(seq 1 100); do
    listen=$(ss -ltnpH 2>/dev/null | awk -v pid="pid=$server," '$0 ~ pid {print $4; exit}')
    [ -n "$listen" ] && break
    sleep 0.05
  done
  [ -n "$listen" ] || { echo "bench-e2e: the server did not start"; cat "$log"; exit 1; }
  for k in 10 50 100 200; do
    s0=$(ticks "$server") w0=$(ticks "$worker") r0=$(ticks "$redis_pid")
    out=$(build/release/loadtest/coqueue-loadtest --target "http://$listen" --clients "$k" \
      --duration "${seconds}s" --warmup 0s --no-validate --quiet --format kv \
      --wait "${COQUEUE_BENCH_WAIT:-long-poll}" \
      --out "$dir/reports" | tail -1)
    s1=$(ticks "$server") w1=$(ticks "$worker") r1=$(ticks "$redis_pid")
    jobs_s=$(sed -n 's/.*jobs_per_s=\([0-9]*\).*/\1/p' <<<"$out")
    awk -v d="$d" -v k="$k" -v o="$out" -v n="$jobs_s" -v t="$seconds" -v hz="$hz" \
        -v s=$((s1 - s0)) -v w=$((w1 - w0)) -v r=$((r1 - r0)) 'BEGIN {
      jobs = n * t;
      printf "%-22s K=%-4d %s  cpu/job: server %.0f us, worker %.0f us, redis %.0f us\n",
        d, k, o, s / hz / jobs * 1e6, w / hz / jobs * 1e6, r / hz / jobs * 1e6 }'
  done
  kill -TERM "$server" "$worker"
  wait "$server" "$worker" || true
  rm -f "$log"
done
