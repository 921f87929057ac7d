#!/usr/bin/env bash
# Measures cold start of `krowoc serve` to the first 200 from /api/health, on
# a fresh data folder (first run: migrations) and on an existing one.
# Usage: bench/coldstart.sh [runs]   (default 20; needs bin/krowoc: make build)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
bin=./bin/krowoc
[ -x "$bin" ] || { echo "build first: make build" >&2; exit 1; }
port=18499

measure() { # $1 = data dir; prints milliseconds to ready
  local start end pid
  start=$(date +%s%N)
  KROWOC_ENV=production "$bin" serve --dir "$1" --http 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/api/health"; do sleep 0.002; done
  end=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

summary() { # stdin: one number per line
  sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, p95 %d ms, max %d ms (n=%d)\n", a[1], a[int((NR+1)/2)], a[int(NR*0.95+0.999)], a[NR], NR}'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fresh=(); warm=()
for i in $(seq 1 "$runs"); do
  fresh+=("$(measure "$tmp/fresh$i")")
done
measure "$tmp/warm" >/dev/null
for i in $(seq 1 "$runs"); do
  warm+=("$(measure "$tmp/warm")")
done
echo "fresh data folder:    $(printf '%s\n' "${fresh[@]}" | summary)"
echo "existing data folder: $(printf '%s\n' "${warm[@]}" | summary)"
