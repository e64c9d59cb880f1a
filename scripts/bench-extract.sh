#!/usr/bin/env bash
# `plantrack extract` on large policy texts (the hardening issue: linear time and memory, output proportional to
# what is found), release build. For each size (default 1 MiB and 30 MiB) it writes a text made of the seed's
# glossed traditional original and the development texts (crates/text/tests/fixtures/policy-texts/*.txt) repeated
# to that size, runs `plantrack extract --format json` on it under /usr/bin/time -v, and prints the wall time, the
# peak memory (maximum resident set size), the size of the JSON and the number of targets.
#
# Usage: scripts/bench-extract.sh [SIZE_MIB ...]     (files stay in target/bench-extract/)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(1 30)
cargo build --release -q -p plantrack
BIN=$PWD/target/release/plantrack
WORK=$PWD/target/bench-extract
mkdir -p "$WORK"
PARTS=(crates/text/tests/fixtures/seed/plan-explanation.original.txt crates/text/tests/fixtures/policy-texts/*.txt)
printf '%-8s %10s %12s %14s %10s\n' size wall_s peak_rss_MB json_MB targets
for mib in "${SIZES[@]}"; do
  text=$WORK/policy-$mib-MiB.txt
  want=$((mib * 1024 * 1024))
  : > "$text"
  # Whole copies of the parts while they fit, so the file stays valid UTF-8 and just under the size.
  while :; do
    for p in "${PARTS[@]}"; do
      size=$(stat -c %s "$text"); add=$(( $(stat -c %s "$p") + 1 ))
      [ $((size + add)) -gt "$want" ] && break 2
      cat "$p" >> "$text"; echo >> "$text"
    done
  done
  /usr/bin/time -v "$BIN" extract "$text" > "$WORK/out-$mib.json" 2> "$WORK/time-$mib.txt"
  wall=$(grep 'Elapsed (wall clock)' "$WORK/time-$mib.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/time-$mib.txt" | awk '{print $NF}')
  json=$(stat -c %s "$WORK/out-$mib.json")
  targets=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['targets']))" "$WORK/out-$mib.json" 2>/dev/null || echo '?')
  printf '%-8s %10s %12.1f %14.1f %10s\n' "${mib}MiB" "$wall" "$(echo "$rss / 1024" | bc -l)" "$(echo "$json / 1048576" | bc -l)" "$targets"
done
