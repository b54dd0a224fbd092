#!/bin/sh
# Side-by-side: the C reference (gcc -O3 -march=native) and symcalc's
# generated Go / tape VM on the same workloads. Run from the repo root:
#   sh bench/codegen/run.sh
# Needs ../shared/workloads/peers (the C sources); skips the C part if absent.
set -e
PEERS=../shared/workloads/peers
OUT=$(mktemp -d)
if [ -d "$PEERS" ] && command -v gcc >/dev/null; then
  gcc -O3 -march=native -o "$OUT/w4" "$PEERS/w4_rhs.c" -I"$PEERS" -lm
  gcc -O3 -march=native -o "$OUT/netjac" bench/codegen/c/net20_jac.c -I"$PEERS" -lm
  echo "== C reference (gcc -O3 -march=native), ns per evaluation"
  "$OUT/w4" 2>/dev/null | sed 's/, "samples".*//'
  "$OUT/netjac" 2>/dev/null
else
  echo "== C reference skipped: $PEERS or gcc missing"
fi
echo "== symcalc (go test -bench), ns per evaluation"
go test ./bench/codegen -run XXX -bench 'Net20|Bruss32' -benchtime 1s -count 1 | grep Benchmark
if [ -f ../shared/workloads/bionetgen/bcr/bcr.net ]; then
  echo "== BCR: Jacobian + lowering + Go generation (s per op)"
  go test ./bench/codegen -run XXX -bench BCR -benchtime 3x -v | grep -E 'Benchmark|import'
  echo "== BCR: go build of the generated package"
  go build -o "$OUT/symcalc" ./cmd/symcalc
  mkdir -p "$OUT/bcrmod/bcr"
  printf 'module bcrgen\n\ngo 1.26\n' > "$OUT/bcrmod/go.mod"
  "$OUT/symcalc" gen ../shared/workloads/bionetgen/bcr/bcr.net -o "$OUT/bcrmod/bcr" -pkg bcr --no-dense
  start=$(date +%s.%N)
  ( cd "$OUT/bcrmod" && GOWORK=off GOFLAGS= go build ./bcr )
  end=$(date +%s.%N)
  echo "go build ./bcr: $(echo "$end - $start" | bc) s (new package; std from the build cache)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
rm -rf "$OUT"
