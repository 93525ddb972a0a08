# Sourced by the scripts that compare builds against one private redis-server (bench-drain.sh,
# bench-e2e.sh), after their first argument is shifted off. Builds release, starts the
# redis-server (scripts/lib/private-redis.sh) and sets:
#   dirs   the bin-dirs given as the remaining arguments (default: build/release)
#   url    the Redis URL
#   ticks PID       CPU time of a process so far, in clock ticks ($hz a second)
#   bin DIR NAME    coqueue-NAME in DIR, flat (a copy of binaries) or as the build tree lays it
scripts/build.sh release >/dev/null
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then dirs=(build/release); fi
source scripts/lib/private-redis.sh
url="redis://127.0.0.1:$port/0"
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
bin() {
  if [ -x "$1/coqueue-$2" ]; then echo "$1/coqueue-$2"; else echo "$1/$2/coqueue-$2"; fi
}
