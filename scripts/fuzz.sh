#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, replays their seed corpora, then fuzzes each for a
# bounded time. Usage: scripts/fuzz.sh [seconds per target, default 30]
# A longer hunt: scripts/fuzz.sh 3600  (new inputs land in build/fuzz/corpus-<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
out=build/fuzz
mkdir -p "$out"
flags=(-std=c++20 -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)

clang++ "${flags[@]}" tests/fuzz/resp_parser_fuzz.cpp core/redis/resp_parser.cpp \
  core/redis/reply_builder.cpp core/redis/resp_value.cpp core/redis/redis_errc.cpp \
  -o "$out/resp_parser_fuzz"

for target in resp_parser; do
  seeds="tests/fuzz/corpus/$target"
  found="$out/corpus-$target"
  mkdir -p "$found"
  echo "fuzz: $target: replaying $(ls "$seeds" | wc -l) seeds"
  "$out/${target}_fuzz" -runs=0 "$seeds"
  echo "fuzz: $target: fuzzing for ${seconds}s"
  "$out/${target}_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix="$out/" \
    -rss_limit_mb=2048 -print_final_stats=1 "$found" "$seeds" 2>&1 | tail -12
done
