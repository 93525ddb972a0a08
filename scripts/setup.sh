#!/usr/bin/env bash
# Installs what coqueue needs to build, test and run, from Debian 12's apt. Idempotent: packages
# already present are skipped, and apt is not touched when nothing is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  redis-server curl jq procps clang libclang-rt-14-dev
  python3 python3-yaml chromium libtcmalloc-minimal4
)
# Node.js runs the OpenAPI validator and the browser test; a machine that has it keeps its own.
if ! command -v node >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# promtool lints GET /metrics in the tests. It comes in Debian's prometheus package, which would
# also install and start a Prometheus server: only the one binary is taken out of the package,
# into .cache/tools/ (not on PATH, nothing started).
install_promtool() {
  local tools="$PWD/.cache/tools"
  [ -x "$tools/promtool" ] && return 0
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && { apt-get download prometheus >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && apt-get download prometheus >/dev/null; }; } &&
    dpkg -x prometheus_*.deb extracted)
  mkdir -p "$tools"
  cp "$tmp/extracted/usr/bin/promtool" "$tools/promtool"
  rm -rf "$tmp"
  echo "setup: promtool in .cache/tools"
}

# The tests' npm packages (the OpenAPI validator, playwright-core to drive Chromium), exactly as
# their lock files pin them; reinstalled only when a lock file changed.
install_node_packages() {
  local dir
  for dir in tests/openapi tests/browser; do
    if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
      [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
      echo "setup: npm packages in $dir"
    fi
  done
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
cd "$(dirname "$0")/.."

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  install_promtool
  install_node_packages
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The packaged redis-server starts a system instance; coqueue's tests and tools start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
  $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
install_promtool
install_node_packages
echo "setup: done"
