#!/usr/bin/env bash
# The three end-to-end results of the Symbolics.jl paper, symcalc beside its
# peers on the same machine in one run. See README.md for the figures.
#
#   bash bench/tracing/run.sh            # rd + terms + bcr
#   bash bench/tracing/run.sh rd         # reaction-diffusion vs CVODE (N = 32, 64, 128), alternating solve by solve
#   DENSE=1 bash bench/tracing/run.sh rd # + both dense baselines at N = 32 (~6 min each for CVODE)
#   bash bench/tracing/run.sh terms      # BCR term construction + Jacobian vs SymPy
#   bash bench/tracing/run.sh bcr        # BCR RHS plain vs e-graph, and the simulation
#   BCR_CVODE=1 bash bench/tracing/run.sh bcr   # also rerun CVODE on BCR (gcc -O3 of 4.9 MB of C: minutes)
#
# Installs what is missing with apt-get (Debian: libsundials-dev, KLU, gcc,
# NumPy, SymPy). Needs ../shared/workloads (skips cleanly without it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
SHARED="${SHARED:-$ROOT/../shared/workloads}"
if [ ! -d "$SHARED/peers2" ]; then
  echo "skip: $SHARED/peers2 not found (the shared workloads are needed)"
  exit 0
fi
PY=/usr/bin/python3
OUT="${OUT:-$ROOT/bench/tracing/out}"
REPS="${REPS:-3}"
what="${1:-all}"
mkdir -p "$OUT"

need=()
[ -f /usr/include/cvode/cvode.h ] || need+=(libsundials-dev)
[ -f /usr/include/suitesparse/klu.h ] || need+=(libsuitesparse-dev)
command -v gcc >/dev/null || need+=(gcc)
$PY -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
$PY -c 'import sympy' 2>/dev/null || need+=(python3-sympy)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi

# Scratch copy of the peer drivers (the shared folder is read-only).
W="$OUT/peers2"
rm -rf "$W"; mkdir -p "$W"
cp -r "$SHARED/peers2"/. "$W"/
chmod -R u+w "$W"
LIBS="-lsundials_cvode -lsundials_nvecserial -lsundials_sunlinsolklu -lsundials_sunmatrixsparse -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lklu -lm"
CF="-O3 -march=native -I/usr/include/suitesparse"

go build -o "$OUT/tracing" ./bench/tracing

rd() {
  gcc $CF -o "$W/rd_cvode" "$W/rd_cvode.c" $LIBS
  # The same driver timing process CPU time: on a shared, loaded machine CPU
  # time is the steadier measure (ours reports both).
  sed 's/CLOCK_MONOTONIC/CLOCK_PROCESS_CPUTIME_ID/' "$W/rd_cvode.c" > "$W/rd_cvode_cpu.c"
  gcc $CF -o "$W/rd_cvode_cpu" "$W/rd_cvode_cpu.c" $LIBS
  dense=()
  if [ "${DENSE:-0}" = 1 ]; then
    : > "$OUT/rd_cvode_dense.jsonl"
    for tol in "1e-3 1e-6" "1e-6 1e-6"; do
      "$W/rd_cvode" 32 densefd $tol 1 "$W/results/rd_ref_N32.txt" | tee -a "$OUT/rd_cvode_dense.jsonl"
    done
    dense=(-dense)
  fi
  # Ours and CVODE alternate solve by solve (each repetition: CVODE CPU-timed,
  # CVODE wall-timed, our tape RHS, our generated RHS), so that the load of
  # the shared machine falls on both alike; medians of REPS.
  "$OUT/tracing" -set rd -shared "$SHARED" -out "$OUT" -reps "$REPS" \
    -cvode-cpu "$W/rd_cvode_cpu" -cvode-wall "$W/rd_cvode" "${dense[@]}" | tee "$OUT/rd_table.txt"
}

terms() {
  $PY bench/tracing/bcr_sympy.py "$SHARED/bionetgen/bcr/bcr.net" "$REPS" | tee "$OUT/bcr_sympy.jsonl"
  "$OUT/tracing" -set terms -shared "$SHARED" -out "$OUT" -reps "$REPS" | tee "$OUT/terms_table.txt"
}

bcr() {
  if [ "${BCR_CVODE:-0}" = 1 ]; then
    # Generate CVODE's C model, compile it once, link the wall- and the
    # CPU-timed drivers against it.
    (cd "$W" && $PY bcr_import.py "$SHARED/bionetgen/bcr/bcr.net" build &&
      gcc $CF -c build/bcr_gen.c -o build/bcr_gen.o &&
      sed 's/CLOCK_MONOTONIC/CLOCK_PROCESS_CPUTIME_ID/' bcr_cvode.c > bcr_cvode_cpu.c &&
      gcc $CF -I. -o build/bcr_cvode bcr_cvode.c build/bcr_gen.o $LIBS &&
      gcc $CF -I. -o build/bcr_cvode_cpu bcr_cvode_cpu.c build/bcr_gen.o $LIBS)
    (cd "$W" && ./build/bcr_cvode_cpu bench 1e-6 1e-8 0 "$REPS" bcr_ref_t10000.txt) | tee "$OUT/bcr_cvode_cpu.jsonl"
    (cd "$W" && ./build/bcr_cvode bench 1e-6 1e-8 0 "$REPS" bcr_ref_t10000.txt) | tee "$OUT/bcr_cvode.jsonl"
  fi
  "$OUT/tracing" -set bcr -shared "$SHARED" -out "$OUT" -reps "$REPS" | tee "$OUT/bcr_table.txt"
}

case "$what" in
  rd) rd ;;
  terms) terms ;;
  bcr) bcr ;;
  all) rd; terms; bcr ;;
  *) echo "usage: $0 [rd|terms|bcr|all]"; exit 2 ;;
esac
