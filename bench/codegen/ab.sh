#!/bin/sh
# Interleaved A/B of the codegen benchmarks between two commits, on a
# shared host: builds each commit's bench/codegen test binary from a
# clean export (git archive; the working tree is not touched), then runs
# them alternately, ROUNDS times, and prints the lines of both.
# Run from the repository root:
#   sh bench/codegen/ab.sh OLD_COMMIT NEW_COMMIT ['BENCH REGEXP'] [ROUNDS]
set -e
OLD=${1:?old commit}
NEW=${2:?new commit}
PAT=${3:-'Net20RHS/tape$|Net20Jac/tape|Bruss32RHS/(tape|tape-batch64)$|Net20RHS/tape-batch'}
ROUNDS=${4:-3}
TMP=$(mktemp -d)
for c in "$OLD" "$NEW"; do
  mkdir -p "$TMP/$c"
  git archive "$c" | tar -x -C "$TMP/$c"
  (cd "$TMP/$c" && go test -c -o "$TMP/$c.test" ./bench/codegen)
done
for r in $(seq "$ROUNDS"); do
  for c in "$OLD" "$NEW"; do
    echo "== round $r, $c, load $(cut -d' ' -f1 /proc/loadavg)"
    (cd bench/codegen && "$TMP/$c.test" -test.run XXX -test.bench "$PAT" -test.benchtime 1s |
      awk '/^Benchmark/ {print $1, $(NF-5), $(NF-4), $(NF-3), $(NF-2)}')
  done
done
rm -rf "$TMP"
