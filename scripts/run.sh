#!/usr/bin/env bash
# The main job, end to end: set up, build, start the embedded coqueue service, submit jobs of
# every built-in type over HTTP, print their results as they finish, and shut down cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release >/dev/null
echo "run: built build/release"

server=build/release/server/coqueue-server
log=$(mktemp)
"$server" --listen 127.0.0.1:0 --workers 4 --retry-base 200ms --log-level debug >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*server.listening.* port=\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "run: the server did not start"; cat "$log"; exit 1; }
base="http://127.0.0.1:$port"
echo "run: coqueue-server pid $pid serving $base (memory backend, 4 in-process workers)"

submit() {
  curl -sS -X POST "$base/jobs" -H 'Content-Type: application/json' -d "$1" | jq -r .id
}

declare -a ids
ids+=("$(submit '{"type": "echo", "payload": {"hello": "world"}}')")
ids+=("$(submit '{"type": "sleep", "payload": {"ms": 300}}')")
ids+=("$(submit '{"type": "cpu", "payload": {"ms": 100}}')")
ids+=("$(submit '{"type": "cpu", "payload": {"iterations": 1000000}}')")
ids+=("$(submit '{"type": "fail", "payload": {"times": 1}}')")
ids+=("$(submit '{"type": "fail", "payload": {}, "max_attempts": 2}')")
ids+=("$(submit '{"type": "sleep", "payload": {"ms": 5000}, "timeout_ms": 100, "max_attempts": 1}')")
echo "run: submitted ${#ids[@]} jobs; waiting for each (GET /jobs/<id>?wait_ms=10000)"

for id in "${ids[@]}"; do
  curl -sS "$base/jobs/$id?wait_ms=10000" |
    jq -c '{type, status, attempts, result, error}'
done

echo "run: queues: $(curl -sS "$base/queues" | jq -c .totals)"
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
trap - EXIT
echo "run: server stopped with exit code $code; job runs logged: $(grep -c 'job.finish' "$log")"
rm -f "$log"
exit "$code"
