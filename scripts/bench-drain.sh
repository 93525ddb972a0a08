#!/usr/bin/env bash
# Drain: fill a queue with no-op (echo) jobs in advance, then drain it with coqueue-worker
# processes, against a private redis-server on loopback. Prints, per run, the batched enqueue
# rate, the drain rate, and the CPU time of the workers and of redis-server per job.
#
# Usage: scripts/bench-drain.sh [jobs] [bin-dir...]
#   jobs     jobs per run (default 200000)
#   bin-dir  directories holding a coqueue-worker and a coqueue-loadtest to compare, each
#            measured in turn against the same redis-server (default: build/release's); each
#            build fills the queue itself (coqueue-loadtest --fill), so the keys are its own
# Runs: 1 process x 100 jobs at once, 2 processes x 50, and 1 process x 10.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-200000}
shift || true
source scripts/lib/compare-builds.sh

run() {  # bin-dir processes concurrency-each
  local d=$1 procs=$2 each=$3
  redis-cli -p "$port" flushall >/dev/null
  local fill
  fill=$("$(bin "$d" loadtest)" --fill "$jobs" --redis "$url" | sed -n 's/.*jobs_per_s=\([0-9]*\).*/\1/p')
  local r0 pids=() w0=0 start end
  r0=$(ticks "$redis_pid")
  start=$(date +%s.%N)
  for i in $(seq 1 "$procs"); do
    "$(bin "$d" worker)" --redis "$url" --concurrency "$each" --id "bench-$i" --log-level warn \
      >/dev/null 2>&1 &
    pids+=($!)
  done
  local done_jobs=0
  while [ "$done_jobs" -lt "$jobs" ]; do
    sleep 0.02
    done_jobs=$(redis-cli -p "$port" hget 'cq:{default}:counts' completed)
    done_jobs=${done_jobs:-0}
  done
  end=$(date +%s.%N)
  local wticks=0
  for p in "${pids[@]}"; do wticks=$((wticks + $(ticks "$p"))); done
  local rticks=$(( $(ticks "$redis_pid") - r0 ))
  for p in "${pids[@]}"; do kill -TERM "$p"; done
  for p in "${pids[@]}"; do wait "$p" || true; done
  awk -v d="$d" -v p="$procs" -v c="$each" -v n="$jobs" -v s="$start" -v e="$end" \
      -v w="$wticks" -v r="$rticks" -v hz="$hz" -v f="$fill" 'BEGIN {
    t = e - s;
    printf "%-24s %d x %-3d enqueue %7d/s  drain %7.0f jobs/s  cpu/job: workers %5.1f us, redis %5.1f us\n",
      d, p, c, f, n / t, w / hz / n * 1e6, r / hz / n * 1e6 }'
}

for d in "${dirs[@]}"; do
  run "$d" 1 100
  run "$d" 2 50
  run "$d" 1 10
done
