#!/usr/bin/env bash
# A walk through the service: set up, build, start a deployment on loopback (a private
# redis-server, two coqueue-server processes and two coqueue-worker processes), submit jobs of
# every built-in type to one server, wait for each on the other, print the results, and stop
# every process by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release >/dev/null
echo "demo: built build/release"

source scripts/lib/private-redis.sh
redis_url="redis://127.0.0.1:$port/0"
logs=$(mktemp -d)
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  rm -rf "$dir" "$logs"
}
trap stop_all EXIT
echo "demo: redis-server pid $redis_pid at $redis_url"

start_server() {  # name; sets $url (no subshell: the PID must reach $pids)
  build/release/server/coqueue-server --backend redis --redis "$redis_url" --listen 127.0.0.1:0 \
    --retry-base 200ms >"$logs/$1.log" 2>&1 &
  pids+=($!)
  local p=""
  for _ in $(seq 1 100); do
    p=$(sed -n 's/.*server.listening.* port=\([0-9]*\).*/\1/p' "$logs/$1.log")
    [ -n "$p" ] && break
    sleep 0.05
  done
  [ -n "$p" ] || { echo "demo: $1 did not start"; cat "$logs/$1.log"; exit 1; }
  url="http://127.0.0.1:$p"
}
start_server server-a
a=$url
start_server server-b
b=$url
echo "demo: coqueue-server pids ${pids[*]} at $a and $b"
for w in 1 2; do
  build/release/worker/coqueue-worker --redis "$redis_url" --concurrency 4 --id "worker-$w" \
    --retry-base 200ms --log-level debug >"$logs/worker-$w.log" 2>&1 &
  pids+=($!)
done
echo "demo: coqueue-worker pids ${pids[*]:2} (ids worker-1, worker-2, 4 jobs at once each)"

submit() {
  curl -sS -X POST "$a/jobs" -H 'Content-Type: application/json' -d "$1" | jq -r .id
}

declare -a ids
ids+=("$(submit '{"type": "echo", "payload": {"hello": "world"}}')")
ids+=("$(submit '{"type": "sleep", "payload": {"ms": 300}}')")
ids+=("$(submit '{"type": "cpu", "payload": {"ms": 100}}')")
ids+=("$(submit '{"type": "cpu", "payload": {"iterations": 1000000}}')")
ids+=("$(submit '{"type": "fail", "payload": {"times": 1}}')")
ids+=("$(submit '{"type": "fail", "payload": {}, "max_attempts": 2}')")
ids+=("$(submit '{"type": "sleep", "payload": {"ms": 5000}, "timeout_ms": 100, "max_attempts": 1}')")
echo "demo: submitted ${#ids[@]} jobs to $a; waiting for each on $b (GET /jobs/<id>?wait_ms=10000)"

for id in "${ids[@]}"; do
  curl -sS "$b/jobs/$id?wait_ms=10000" |
    jq -c '{type, status, attempts, worker, result, error}'
done

echo "demo: queues: $(curl -sS "$b/queues" | jq -c .totals)"
code=0
for p in "${pids[@]}"; do kill -TERM "$p"; done
for p in "${pids[@]}"; do wait "$p" || code=$?; done
runs=$(cat "$logs"/worker-*.log | grep -c 'job.finish' || true)
echo "demo: servers and workers stopped (exit code $code); job runs logged by the workers: $runs"
exit "$code"
