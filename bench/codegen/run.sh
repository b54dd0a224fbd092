#!/bin/sh
# Side-by-side: the C reference (gcc -O3 -march=native) and symcalc's
# generated Go / tape VM on the same workloads. Run from the repo root:
#   sh bench/codegen/run.sh
# Needs ../shared/workloads/peers (the C sources); skips the C part if absent.
set -e
PEERS=../shared/workloads/peers
OUT=$(mktemp -d)
if [ -d "$PEERS" ] && command -v gcc >/dev/null; then
  gcc -O3 -march=native -o "$OUT/ref" bench/codegen/c/ref.c -I"$PEERS" -lm
  echo "== C reference (gcc -O3 -march=native), ns per evaluation"
  "$OUT/ref" 2>/dev/null
  # The same without AVX-512 (16 vector registers, as on an AVX2-only
  # CPU): the peer of the 16-register one-point functions (level avx).
  if grep -q avx512f /proc/cpuinfo 2>/dev/null &&
    gcc -O3 -march=native -mno-avx512f -o "$OUT/ref16" bench/codegen/c/ref.c -I"$PEERS" -lm 2>/dev/null; then
    echo "== C reference, gcc -O3 -march=native -mno-avx512f, network rows"
    "$OUT/ref16" 2>/dev/null | grep net20
  fi
else
  echo "== C reference skipped: $PEERS or gcc missing"
fi
echo "== symcalc (go test -bench), ns per evaluation"
go test ./bench/codegen -run XXX -bench 'Net20|Bruss32' -benchtime 1s -count 1 |
  awk '/^Benchmark/ {print $1, $(NF-5), $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF}'
echo "== net20 one-point RHS and sparse Jacobian by CPU level (go, avx: 16 XMM registers, avx512: 32), best ns per evaluation"
go test ./bench/codegen/net20 -run XXX -bench Levels -benchtime 1s -count 1 |
  awk '/^Benchmark/ {print $1, $(NF-1), $NF}'
if [ -f ../shared/workloads/bionetgen/bcr/bcr.net ]; then
  echo "== BCR: Jacobian + lowering + Go generation (ns per op)"
  go test ./bench/codegen -run XXX -bench BCR -benchtime 3x -v | grep -E 'Benchmark|import|sparse Jacobian'
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
