#!/usr/bin/env bash
# Peers side by side with coqueue, in one run, with the same load generator: K = 10, 50, 100
# closed-loop HTTP clients (coqueue-loadtest), each POST /jobs then GET /jobs/<id> until done,
# against
#   fastapi-celery  FastAPI (uvicorn, 1 process) + a Celery worker (prefork, -c 2)
#   fastify-bullmq  Fastify + a BullMQ worker (concurrency 100)
# each on its own private redis-server on loopback, started as the peers' run.sh starts them for
# its HTTP test (polling every 5 ms: they cannot wait server-side); then against coqueue
# (coqueue-loadtest --spawn: its own redis-server, 1 coqueue-server, 1 coqueue-worker x 64) once
# with --wait long-poll and once with --wait poll:5. Prints a line per stack, wait mode and K: the
# loadtest's kv line (jobs/s, latency percentiles), then the CPU of the API server, the worker and
# redis-server over the measuring window, as % of a core and in µs per job; at the end, coqueue's
# jobs/s at K=100 over each peer's.
# CPU of the peers: utime+stime from /proc of each process and its descendants (Celery's pool),
# read at the start and the end of each K's window (one loadtest run per K against the same
# processes); coqueue's: the loadtest's report.json (the same window).
#
# Usage: scripts/bench-peers.sh <peers-dir> [seconds]
#   peers-dir  the folder holding the FastAPI + Celery (py/) and Fastify + BullMQ (node/) apps,
#              with their dependencies installed (<peers-dir>/run.sh setup)
#   seconds    measuring window of each K (default 5), after 1 s of warm-up
# Uses build/release's coqueue-loadtest, coqueue-server and coqueue-worker (build them first:
# scripts/build.sh release). Everything listens on 127.0.0.1; every process the script starts is
# stopped by its PID on exit; nothing is written under peers-dir.
set -euo pipefail
usage="usage: scripts/bench-peers.sh <peers-dir> [seconds]
  peers-dir  the folder holding the FastAPI + Celery and Fastify + BullMQ apps
  seconds    measuring window of each client count (default 5)"
if [ $# -lt 1 ] || [ ! -d "$1/py" ] || [ ! -d "$1/node" ]; then echo "$usage" >&2; exit 2; fi
peers=$(cd "$1" && pwd)
seconds=${2:-5}
cd "$(dirname "$0")/.."
loadtest=build/release/loadtest/coqueue-loadtest
py=/usr/bin/python3   # Debian's Python: celery, fastapi and uvicorn live there (as in peers/lib.sh)
clients=(10 50 100)
[ -x "$loadtest" ] || { echo "bench-peers: no $loadtest (scripts/build.sh release)" >&2; exit 1; }
if [ ! -d "$peers/node/node_modules/bullmq" ] || ! "$py" -c 'import celery, fastapi, uvicorn' 2>/dev/null; then
  echo "bench-peers: the peers are not set up ($peers/run.sh setup)" >&2; exit 1
fi

tmp=$(mktemp -d)
hz=$(getconf CLK_TCK)
pids=()   # the processes this script started and has not stopped yet, in start order

tree() {  # PID and its descendants
  local todo=("$1") p f c
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    echo "$p"
    for f in /proc/"$p"/task/*/children; do
      c=()
      { read -r -a c <"$f"; } 2>/dev/null || true   # no newline at the end: read "fails"
      todo+=("${c[@]}")
    done
  done
  return 0
}
ticks() {  # CPU time of a process and its descendants so far, in clock ticks ($hz a second)
  local t=0 p n
  for p in $(tree "$1"); do
    n=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null) || n=0
    t=$((t + ${n:-0}))
  done
  echo "$t"
}
stop() {  # PID: TERM, wait up to 15 s, then KILL it and the descendants it had
  local pid=$1 kids i
  mapfile -t kids < <(tree "$pid")
  kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "${kids[@]}" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
stop_all() {  # stop what is still running, the last started first
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop "${pids[i]}"; done
  pids=()
}
trap 'stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

free_port() {
  local p=$((20000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
alive() { kill -0 "$1" 2>/dev/null || { echo "bench-peers: $2 exited; its log:" >&2; cat "$3" >&2; exit 1; }; }
wait_port() {  # port pid name log: until 127.0.0.1:port accepts connections (max 30 s)
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    alive "$2" "$3" "$4"
    sleep 0.1
  done
  echo "bench-peers: $3 did not listen on $1" >&2; exit 1
}
wait_file() {  # file pid name log: until the process wrote its ready file (max 60 s)
  for _ in $(seq 600); do
    [ -s "$1" ] && return 0
    alive "$2" "$3" "$4"
    sleep 0.1
  done
  echo "bench-peers: $3 was not ready" >&2; exit 1
}

start_redis() {  # sets redis_port, redis_pid
  redis_port=$(free_port)
  local d="$tmp/redis-$redis_port"
  mkdir -p "$d"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$d" \
    --daemonize no --loglevel warning >"$d/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "bench-peers: redis-server did not start" >&2; exit 1
}

# Each sets worker_pid, api_pid and api_port, against the redis-server on $redis_port, as
# peers/run.sh's start_celery_worker + start_fastapi and start_bull_worker + start_fastify do.
start_fastapi_celery() {
  local log="$tmp/celery.log"
  (cd "$peers/py" && REDIS_PORT=$redis_port READY_FILE="$tmp/celery.ready" PYTHONDONTWRITEBYTECODE=1 \
    exec "$py" -m celery -A celery_app worker --pool=prefork -c 2 -l warning -n "bench$$@localhost" \
    >"$log" 2>&1) &
  worker_pid=$!
  pids+=("$worker_pid")
  wait_file "$tmp/celery.ready" "$worker_pid" "the Celery worker" "$log"
  api_port=$(free_port)
  log="$tmp/uvicorn.log"
  (cd "$peers/py" && REDIS_PORT=$redis_port PYTHONDONTWRITEBYTECODE=1 \
    exec "$py" -m uvicorn fastapi_app:api --host 127.0.0.1 --port "$api_port" --workers 1 \
    --no-access-log --log-level warning >"$log" 2>&1) &
  api_pid=$!
  pids+=("$api_pid")
  wait_port "$api_port" "$api_pid" "uvicorn" "$log"
}
start_fastify_bullmq() {
  local log="$tmp/bull-worker.log"
  (cd "$peers/node" && REDIS_PORT=$redis_port CONC=100 READY_FILE="$tmp/bull.ready" \
    exec node bull_worker.js >"$log" 2>&1) &
  worker_pid=$!
  pids+=("$worker_pid")
  wait_file "$tmp/bull.ready" "$worker_pid" "the BullMQ worker" "$log"
  api_port=$(free_port)
  log="$tmp/fastify.log"
  (cd "$peers/node" && REDIS_PORT=$redis_port PORT=$api_port READY_FILE="$tmp/fastify.ready" \
    exec node bull_http_server.js >"$log" 2>&1) &
  api_pid=$!
  pids+=("$api_pid")
  wait_file "$tmp/fastify.ready" "$api_pid" "Fastify" "$log"
  wait_port "$api_port" "$api_pid" "Fastify" "$log"
}

pct() {  # ticks: % of a core over the window $t0..$t1
  awk -v d="$1" -v t0="$t0" -v t1="$t1" -v hz="$hz" 'BEGIN { printf "%.2f", d / hz / (t1 - t0) * 100 }'
}
declare -A at100   # "stack wait" -> jobs/s at K=100
line() {  # stack wait kv-line server% worker% redis%: print a result line
  local jobs_s
  jobs_s=$(sed -n 's/.*jobs_per_s=\([0-9.]*\).*/\1/p' <<<"$3")
  if [ "$(sed -n 's/.*clients=\([0-9]*\).*/\1/p' <<<"$3")" = 100 ]; then at100["$1 $2"]=$jobs_s; fi
  awk -v st="$1" -v w="$2" -v o="$3" -v n="$jobs_s" -v s="$4" -v wk="$5" -v r="$6" 'BEGIN {
    u = n > 0 ? 1e4 / n : 0;   # % of a core -> µs per job
    printf "%-15s %-9s %s server_cpu_pct=%.0f worker_cpu_pct=%.0f redis_cpu_pct=%.0f", st, w, o, s, wk, r
    printf " server_us_per_job=%.0f worker_us_per_job=%.0f redis_us_per_job=%.0f\n", s * u, wk * u, r * u }'
}
run_loadtest() {  # out-file args...: run coqueue-loadtest, stoppable by PID from the EXIT trap
  local out=$1
  shift
  "$loadtest" "$@" --no-validate --quiet --format kv >"$out" &
  lt_pid=$!
  pids+=("$lt_pid")
}
finish_loadtest() {
  local rc=0
  wait "$lt_pid" || rc=$?
  unset 'pids[${#pids[@]}-1]'
  [ "$rc" -eq 0 ] || { echo "bench-peers: coqueue-loadtest failed ($rc)" >&2; exit 1; }
}

for stack in fastapi-celery fastify-bullmq; do
  echo "bench-peers: $stack" >&2
  start_redis
  "start_${stack//-/_}"
  for k in "${clients[@]}"; do
    run_loadtest "$tmp/kv" --target "http://127.0.0.1:$api_port" --wait poll:5 --clients "$k" \
      --duration "${seconds}s" --warmup 1s --out "$tmp/reports"
    sleep 1  # the warm-up; then read the CPU over the measuring window
    t0=$(date +%s.%N) a0=$(ticks "$api_pid") w0=$(ticks "$worker_pid") r0=$(ticks "$redis_pid")
    sleep "$seconds"
    t1=$(date +%s.%N) a1=$(ticks "$api_pid") w1=$(ticks "$worker_pid") r1=$(ticks "$redis_pid")
    finish_loadtest
    line "$stack" poll:5 "$(tail -1 "$tmp/kv")" "$(pct $((a1 - a0)))" "$(pct $((w1 - w0)))" \
      "$(pct $((r1 - r0)))"
  done
  stop_all
done

for wait in long-poll poll:5; do
  echo "bench-peers: coqueue --wait $wait" >&2
  out="$tmp/coqueue-${wait//:/}"
  run_loadtest "$tmp/kv" --spawn --workers 1 --worker-concurrency 64 --wait "$wait" \
    --clients "$(IFS=,; echo "${clients[*]}")" --duration "${seconds}s" --warmup 1s --out "$out"
  finish_loadtest
  report=$(ls "$out"/*/report.json)
  while read -r kv; do
    k=$(sed -n 's/.*clients=\([0-9]*\).*/\1/p' <<<"$kv")
    s=0 w=0 r=0
    read -r s w r < <(jq -r --argjson k "$k" '.steps[] | select(.mode == "closed" and .clients == $k
      and (.validation | not)) | (.roles | map({(.role): .cpu_percent_total}) | add) as $c
      | "\($c.server // 0) \($c.worker // 0) \($c.redis // 0)"' "$report" | head -1) || true
    line coqueue "$wait" "$kv" "$s" "$w" "$r"
  done <"$tmp/kv"
done

for peer in fastapi-celery fastify-bullmq; do
  for wait in long-poll poll:5; do
    awk -v c="${at100[coqueue $wait]:-0}" -v p="${at100[$peer poll:5]:-0}" -v w="$wait" -v n="$peer" \
      'BEGIN { printf "K=100 jobs/s: coqueue (%s) / %s = %.1fx\n", w, n, (p > 0 ? c / p : 0) }'
  done
done
