#!/usr/bin/env bash
# Import benchmark (issue 4 "Benchmarks"), release build, in one run:
#   1. `plantrack gen` of a province (default 250,000 enterprises × 4 years = 1,000,000 enterprise-year rows);
#   2. `plantrack import enterprises` of that CSV into a fresh SQLite store, with full validation (every cell,
#      USCC check digits, known org units, duplicates), all or nothing, audited: rows/s;
#   3. `sqlite3`'s own `.import` of the same CSV into one table with a unique (USCC, year) index, without any
#      validation, same pragmas (WAL, synchronous=NORMAL): rows/s, and the ratio of the two medians
#      (2 and 3 run R times, default 3, interleaved);
#   4. a re-import of the same file (nothing changes);
#   5. the rest of the files, then the province status: all targets for every org unit from the store
#      (`cargo bench -p plantrack-app --bench province_status` on the same database).
#
# Usage: scripts/bench-import.sh [--enterprises N] [--runs R] [--skip-status]
# Needs sqlite3 (installed with apt-get when missing). Files and databases stay in target/bench-import/.
set -euo pipefail
cd "$(dirname "$0")/.."

N=250000 STATUS=1 RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --enterprises) N=$2; shift ;;
    --skip-status) STATUS=0 ;;
    --runs) RUNS=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if ! command -v sqlite3 >/dev/null; then
  apt-get install -y -q sqlite3 >/dev/null || { apt-get update -q && apt-get install -y -q sqlite3; }
fi
cargo build --release -q -p plantrack
BIN=$PWD/target/release/plantrack
WORK=$PWD/target/bench-import
rm -rf "$WORK"
mkdir -p "$WORK"

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
rate() { printf '%.0f' "$(echo "$1 / $2" | bc -l)"; }

t0=$(now)
"$BIN" gen --enterprises "$N" --seed 1 -o "$WORK/gen" >/dev/null
t1=$(now)
CSV=$WORK/gen/enterprises.csv
ROWS=$(( $(wc -l < "$CSV") - 1 ))
printf 'gen: %d enterprise-year rows (%s MB) in %.2f s\n' "$ROWS" "$(( $(stat -c %s "$CSV") / 1000000 ))" "$(secs "$t0" "$t1")"

DB=$WORK/plantrack.sqlite3
PLAIN=$WORK/plain.sqlite3
COLS=$(head -1 "$CSV" | sed 's/^\xEF\xBB\xBF//' | tr ',' '\n' | awk '{printf "%sc%d text", (NR>1?", ":""), NR}')
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# Each side RUNS times, interleaved, each into a fresh database after `sync` (so that the previous step's dirty
# pages are not written back during the measurement); the medians are compared.
PT=() ST=()
for run in $(seq "$RUNS"); do
  rm -f "$DB" "$DB"-wal "$DB"-shm "$PLAIN" "$PLAIN"-wal "$PLAIN"-shm
  "$BIN" --db "$DB" import org_units "$WORK/gen/org_units.csv" >/dev/null
  sync
  t0=$(now)
  "$BIN" --db "$DB" import enterprises "$CSV" >"$WORK/import.txt"
  t1=$(now)
  P=$(secs "$t0" "$t1"); PT+=("$P")
  printf 'run %d: plantrack import enterprises (validated, one transaction): %.2f s, %s rows/s\n' \
    "$run" "$P" "$(rate "$ROWS" "$P")"
  sqlite3 "$PLAIN" "pragma journal_mode = wal;" "pragma synchronous = normal;" \
    "create table t ($COLS, unique (c1, c7));" >/dev/null
  sync
  t0=$(now)
  sqlite3 "$PLAIN" "pragma synchronous = normal;" ".import --csv --skip 1 $CSV t"
  t1=$(now)
  S=$(secs "$t0" "$t1"); ST+=("$S")
  printf 'run %d: sqlite3 .import (no validation, one table + unique index): %.2f s, %s rows/s\n' \
    "$run" "$S" "$(rate "$ROWS" "$S")"
done
P=$(median "${PT[@]}") S=$(median "${ST[@]}")
printf 'median of %d: plantrack %.2f s = %s rows/s; sqlite3 .import %.2f s = %s rows/s\n' \
  "$RUNS" "$P" "$(rate "$ROWS" "$P")" "$S" "$(rate "$ROWS" "$S")"
printf 'ratio plantrack / sqlite3: %.2f× the time\n' "$(echo "$P / $S" | bc -l)"

t0=$(now)
"$BIN" --db "$DB" import enterprises "$CSV" >/dev/null
t1=$(now)
printf 're-import, nothing changes: %.2f s\n' "$(secs "$t0" "$t1")"

for kind in qualifications contracts talents platforms financing funding achievements observations; do
  f=$WORK/gen/$kind.csv
  [ -e "$f" ] || continue
  t0=$(now)
  "$BIN" --db "$DB" import "$kind" "$f" >/dev/null
  t1=$(now)
  printf 'import %-15s %8d rows %6.2f s\n' "$kind" "$(( $(wc -l < "$f") - 1 ))" "$(secs "$t0" "$t1")"
done

if [ "$STATUS" = 1 ]; then
  PLANTRACK_BENCH_DB=$DB cargo bench -q -p plantrack-app --bench province_status
fi
