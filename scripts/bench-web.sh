#!/usr/bin/env bash
# Benchmarks of the web application (issue 5), release build only:
#   1. start-up to first response on an existing store (`plantrack serve` until GET /healthz answers);
#   2. wrk on loopback: the public dashboard (GET /) and the status API (GET /api/v1/status).
#
# Usage: scripts/bench-web.sh [--province] [--duration SECONDS] [--connections N]
#   default     the demo district (plantrack demo);
#   --province  the province-sized generated data: `plantrack gen` (1 province, 14 cities, 100 districts,
#               250,000 enterprises × 4 years = 1,000,000 enterprise-years) imported into the store once
#               (kept in target/bench-web/ for later runs).
# Needs wrk (Debian: apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

PROVINCE=0 DURATION=20 CONNECTIONS=64
while [ $# -gt 0 ]; do
  case "$1" in
    --province) PROVINCE=1 ;;
    --duration) DURATION=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p plantrack
BIN=$PWD/target/release/plantrack
WORK=$PWD/target/bench-web
mkdir -p "$WORK"

if [ "$PROVINCE" = 1 ]; then
  DB=$WORK/province.sqlite3
  if [ ! -f "$WORK/province.ready" ]; then
    rm -rf "$DB" "$DB-wal" "$DB-shm" "$WORK/gen"
    echo "generating the province (1,000,000 enterprise-years) …"
    "$BIN" gen --enterprises 250000 --seed 1 -o "$WORK/gen"
    # Org units first, then master data before what refers to it.
    for kind in org_units enterprises qualifications contracts talents platforms financing funding achievements observations; do
      for f in "$WORK"/gen/"$kind".*; do
        [ -e "$f" ] || continue
        echo "importing $f"
        /usr/bin/time -f "  %e s" "$BIN" --db "$DB" import "$kind" "$f"
      done
    done
    touch "$WORK/province.ready"
  fi
else
  DB=$WORK/demo.sqlite3
  if [ ! -f "$DB" ]; then "$BIN" --db "$DB" demo >/dev/null; fi
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
start=$(date +%s%N)
"$BIN" --db "$DB" serve --addr "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "$BASE/healthz"; do
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/serve.log"; exit 1; }
  sleep 0.005
done
ready=$(date +%s%N)
echo "start-up to first response: $(( (ready - start) / 1000000 )) ms"

first=$(date +%s%N)
curl -sf -o /dev/null "$BASE/"
echo "first dashboard (loads the plan data, computes every status): $(( ($(date +%s%N) - first) / 1000000 )) ms"
curl -sf -o /dev/null "$BASE/api/v1/status"

for path in / /api/v1/status; do
  echo
  echo "== wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency $BASE$path"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE$path" | grep -E 'Requests/sec|Latency|99%|90%|50%|requests in|Non-2xx|Socket errors'
done
