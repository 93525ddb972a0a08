#!/usr/bin/env bash
# The Redis client next to redis-benchmark, in one run on this machine: both drive a private
# redis-server on loopback with the same number of requests in flight, and the table gives
# operations per second and client CPU per operation for each, with the ratios.
#   scripts/bench-redis.sh            (builds the release preset first)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh release >/dev/null
bench=build/release/bench/coqueue-bench
ops=200000

source scripts/lib/private-redis.sh
# Redis on one core, the client under test on the other: left to the scheduler, the two
# sometimes share a core and the same build measures half or double (seen at 50 in flight).
# Both clients are pinned alike.
taskset -pc 1 "$redis_pid" >/dev/null
pin=(taskset -c 0)

# redis-benchmark: ops/s and its own CPU (user+sys) per op, for one test and one shape.
c_tool() {  # test clients pipeline
  local out cpu rps
  out=$( { /usr/bin/time -f "CPU %U %S" "${pin[@]}" redis-benchmark -p "$port" -t "$1" -c "$2" -P "$3" \
           -n "$ops" --csv; } 2>&1 )
  rps=$(echo "$out" | grep -i "^\"$1\"" | head -1 | cut -d, -f2 | tr -d '"')
  cpu=$(echo "$out" | awk '/^CPU/ {print $2 + $3}')
  echo "$rps $(awk -v c="$cpu" -v n="$ops" 'BEGIN {printf "%.3f", c * 1e6 / n}')"
}

COQUEUE_BENCH_REDIS_URL="redis://127.0.0.1:$port" "${pin[@]}" "$bench" --benchmark_filter='BM_Redis' \
  --benchmark_min_time=1 --benchmark_format=json 2>/dev/null >"$dir/ours.json"

ours() {  # benchmark name → "ops/s cpu_us_per_op"
  jq -r --arg n "$1" '.benchmarks[] | select(.name == $n) |
    "\(.items_per_second | floor) \(.client_cpu_us_per_op * 1000 | floor / 1000)"' "$dir/ours.json"
}

echo "| command | shape | coqueue ops/s | redis-benchmark ops/s | ratio | coqueue CPU µs/op | redis-benchmark CPU µs/op | CPU ratio |"
echo "|---|---|---|---|---|---|---|---|"
row() {  # label shape our-benchmark test clients pipeline
  read -r our_rps our_cpu <<<"$(ours "$3")"
  read -r c_rps c_cpu <<<"$(c_tool "$4" "$5" "$6")"
  awk -v l="$1" -v s="$2" -v orps="$our_rps" -v ocpu="$our_cpu" -v crps="$c_rps" -v ccpu="$c_cpu" \
    'BEGIN { printf "| %s | %s | %d | %d | %.2f | %.2f | %.2f | %.2f |\n",
             l, s, orps, crps, orps / crps, ocpu, ccpu, ocpu / ccpu }'
}
for n in 1 10 50 100; do
  row SET "1 conn, $n in flight" "BM_RedisSet/$n/real_time" set 1 "$n"
  row GET "1 conn, $n in flight" "BM_RedisGet/$n/real_time" get 1 "$n"
  row LPUSH "1 conn, $n in flight" "BM_RedisLpush/$n/real_time" lpush 1 "$n"
done
for c in 10 50; do
  row SET "$c conns, 1 in flight each" "BM_RedisSetConnections/$c/real_time" set "$c" 1
done
