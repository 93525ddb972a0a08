#!/usr/bin/env bash
# The soak: 100 closed-loop clients for 10 minutes against a private redis-server, 2
# coqueue-server and 2 coqueue-worker processes on loopback, started and stopped by PID by the
# capacity run. Reports jobs done, errors, and the resident memory of every process as the
# measuring window opened and as it closed, and fails when a process grew by more than the bound.
# Not part of CI. Usage: scripts/soak.sh [duration, default 10m] [extra coqueue-loadtest flags]
#
# Finished jobs are kept for 60 s here (COQUEUE_RESULT_TTL, read by servers and workers), so
# Redis holds about a minute of results and its memory levels off instead of growing with
# every job of the run, as it would with the default hour.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
shift || true
# A process may grow by this much over the window (after a 60 s warm-up, which fills Redis'
# minute of results and every buffer): MiB, and a share of its size at the start.
bound_mib="${COQUEUE_SOAK_BOUND_MIB:-32}"
bound_share="${COQUEUE_SOAK_BOUND_SHARE:-0.25}"

scripts/setup.sh
scripts/build.sh release >/dev/null
export COQUEUE_RESULT_TTL=60s
out=reports/soak
echo "soak: 100 clients for $duration against redis + 2 servers + 2 workers"
build/release/loadtest/coqueue-loadtest --spawn --servers 2 --workers 2 --clients 100 \
  --worker-concurrency 16 --job echo --duration "$duration" --warmup 60s --no-validate \
  --max-time 2h --quiet --format kv --out "$out" "$@"
report=$(ls -td "$out"/*/ | head -1)report.json
python3 - "$report" "$bound_mib" "$bound_share" <<'PY'
import json, sys
report, bound_mib, bound_share = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
step = json.load(open(report))["steps"][0]
errors = sum(step["errors"].values())
print(f"soak: {step['seconds']:.0f} s, {step['completed']} jobs done in the window "
      f"({step['jobs_per_s']:.0f}/s), errors: {errors} {step['errors'] or ''}, "
      f"p99 {step['latency_ms']['p99']:.1f} ms")
print(f"{'process':<10} {'pid':>8} {'rss start MiB':>14} {'rss end MiB':>12} {'peak MiB':>9} {'growth':>8}")
grown = []
for p in step["processes"]:
    growth = p["rss_mb_end"] - p["rss_mb_start"]
    allowed = max(bound_mib, bound_share * p["rss_mb_start"])
    if growth > allowed:
        grown.append(f"{p['name']} grew {growth:.1f} MiB (bound {allowed:.1f})")
    print(f"{p['name']:<10} {p['pid']:>8} {p['rss_mb_start']:>14.1f} {p['rss_mb_end']:>12.1f} "
          f"{p['rss_mb']:>9.1f} {growth:>+8.1f}")
print(f"soak: bound per process: growth under max({bound_mib:g} MiB, "
      f"{bound_share:.0%} of its start); report: {report}")
if errors or grown:
    print("soak: FAILED: " + "; ".join(grown + ([f"{errors} errors"] if errors else [])))
    sys.exit(1)
print("soak: passed")
PY
