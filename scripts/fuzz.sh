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
# As in the CMake build, Asio and Beast are compiled once each (core/support/asio_impl.cpp,
# server/beast_impl.cpp). Boost.JSON and Boost.URL are compiled too (tests/fuzz/boost_*_impl.cpp)
# where CMake links Debian's libraries, so that they are instrumented like the rest.
boost=(-DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION
  -DBOOST_ASIO_NO_DEPRECATED)
# Clang 14 cannot emit -fsanitize=function's prologue on a coroutine's split parts ("Cannot
# represent a difference across sections", llvm/llvm-project#49689): that one check stays off
# where coroutines are compiled.
coroutines=(-fno-sanitize=function)

# Each source compiles to its own object, through ccache when there is one (so that a rerun
# over unchanged sources takes seconds), as many at once as there are cores; then the target
# links. Usage: build_target <name> <flags...> -- <sources...>
compiler=(clang++)
if command -v ccache >/dev/null; then compiler=(ccache clang++); fi
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
build_target() {
  local target=$1 start=$SECONDS
  shift
  local target_flags=() objects=() running=()
  while [[ $1 != -- ]]; do
    target_flags+=("$1")
    shift
  done
  shift
  mkdir -p "$out/obj/$target"
  for source in "$@"; do
    local object="$out/obj/$target/${source//\//_}.o"
    objects+=("$object")
    "${compiler[@]}" "${flags[@]}" "${target_flags[@]}" -c "$source" -o "$object" &
    running+=($!)
    if ((${#running[@]} >= $(nproc))); then
      wait "${running[0]}"
      running=("${running[@]:1}")
    fi
  done
  for pid in "${running[@]}"; do wait "$pid"; done
  clang++ "${flags[@]}" "${target_flags[@]}" "${objects[@]}" -o "$out/${target}_fuzz"
  echo "fuzz: $target built in $((SECONDS - start))s"
}

build_target resp_parser -- tests/fuzz/resp_parser_fuzz.cpp core/redis/resp_parser.cpp \
  core/redis/reply_builder.cpp core/redis/resp_value.cpp core/redis/redis_errc.cpp

build_target job_json -- tests/fuzz/job_json_fuzz.cpp tests/fuzz/boost_json_impl.cpp \
  core/job/canonical_json.cpp core/job/job.cpp core/job/job_errc.cpp core/job/job_spec.cpp \
  core/job/job_status.cpp core/job/json_int.cpp core/job/stored_json.cpp \
  core/queue/redis_job_codec.cpp core/support/text_excerpt.cpp core/support/time.cpp

# The dashboard and the OpenAPI document, embedded as server/CMakeLists.txt embeds them.
python3 cmake/embed_assets.py "$out/static_assets.cpp" index.html=server/dashboard/index.html \
  app.js=server/dashboard/app.js style.css=server/dashboard/style.css \
  openapi.json=docs/openapi.yaml
build_target http_request "${boost[@]}" "${coroutines[@]}" -- tests/fuzz/http_request_fuzz.cpp \
  tests/fuzz/boost_json_impl.cpp tests/fuzz/boost_url_impl.cpp core/support/asio_impl.cpp \
  server/beast_impl.cpp "$out/static_assets.cpp" server/static_asset_lookup.cpp \
  server/api.cpp server/access_policy.cpp server/advertised_types.cpp server/beast_request.cpp \
  server/http_metrics.cpp \
  server/live_workers.cpp server/prometheus_text.cpp server/queue_rates.cpp server/response.cpp \
  server/router.cpp server/server_threads.cpp server/stats_feed.cpp \
  server/handlers/dead_letters.cpp \
  server/handlers/health.cpp server/handlers/job_browser.cpp server/handlers/job_input.cpp \
  server/handlers/jobs.cpp server/handlers/metrics.cpp server/handlers/queues.cpp \
  server/handlers/schedules.cpp server/handlers/static_files.cpp server/handlers/workers.cpp \
  core/job/canonical_json.cpp core/job/job.cpp core/job/job_errc.cpp core/job/job_id.cpp \
  core/job/job_spec.cpp core/job/job_status.cpp core/job/json_int.cpp core/job/retry_policy.cpp \
  core/job/stored_json.cpp \
  core/queue/completion_hub.cpp core/queue/end_note.cpp core/queue/job_listing.cpp \
  core/queue/job_metrics.cpp \
  core/queue/memory_broker.cpp core/queue/queue_errc.cpp core/queue/queue_stats.cpp \
  core/redis/redis_errc.cpp core/schedule/cron_expression.cpp core/schedule/schedule.cpp \
  core/support/command_line.cpp core/support/histogram.cpp core/support/log.cpp \
  core/support/text_excerpt.cpp core/support/time.cpp core/support/units.cpp \
  worker/registry.cpp worker/job_context.cpp worker/cpu_pool.cpp worker/builtin/cpu.cpp \
  worker/builtin/echo.cpp worker/builtin/fail.cpp worker/builtin/register_all.cpp \
  worker/builtin/sleep.cpp


# Every target runs even when an earlier one finds a crash; the script fails at the end.
failed=()
for target in resp_parser job_json http_request; do
  seeds="tests/fuzz/corpus/$target"
  found="$out/corpus-$target"
  mkdir -p "$found"
  echo "fuzz: $target: replaying $(ls "$seeds" | wc -l) seeds"
  if ! "$out/${target}_fuzz" -runs=0 -artifact_prefix="$out/$target-" "$seeds"; then
    failed+=("$target")
    continue
  fi
  echo "fuzz: $target: fuzzing for ${seconds}s (whole log: $out/$target.log)"
  if ! "$out/${target}_fuzz" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix="$out/$target-" \
    -rss_limit_mb=2048 -print_final_stats=1 "$found" "$seeds" >"$out/$target.log" 2>&1; then
    failed+=("$target")
  fi
  # The last status line (runs, coverage, corpus), the totals, and what a crash was.
  grep -E '^#[0-9]+' "$out/$target.log" | tail -1 || true
  grep -E '^stat::|_fuzz: |runtime error|ERROR:|SUMMARY|Test unit written' "$out/$target.log" ||
    true
done
if ((${#failed[@]} > 0)); then
  echo "fuzz: failed: ${failed[*]} (inputs: $out/<target>-crash-*, -timeout-*, -leak-*, -oom-*)"
  exit 1
fi
