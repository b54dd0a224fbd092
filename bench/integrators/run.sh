#!/usr/bin/env bash
# Work-precision of symcalc's integrators side by side with SUNDIALS CVODE,
# SciPy and NumPy, on the same problems, tolerances and machine, in one run.
#
#   bash bench/integrators/run.sh            # everything (~3-5 min on 2 cores)
#   REPS=5 KS_DT=0.025 bash bench/integrators/run.sh
#   BCR=1 bash bench/integrators/run.sh      # also the BCR network (+2-3 min:
#                                            # generates and compiles CVODE's C model)
#
# Installs what is missing with apt-get (Debian: libsundials-dev, KLU, NumPy,
# SciPy, gcc), builds the CVODE C driver of ../shared/workloads/peers
# (w5_cvode.c) in a scratch copy, runs it, SciPy's w5_scipy.py (DOP853,
# LSODA, BDF with sparse Jacobian), ks_numpy.py, and our Go driver, which
# prints the table. Needs ../shared/workloads (skips cleanly without it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PEERS="${PEERS:-$ROOT/../shared/workloads/peers}"
if [ ! -d "$PEERS" ]; then
  echo "skip: $PEERS not found (the shared workloads are needed for the peer runs)"
  exit 0
fi
PY=/usr/bin/python3   # Debian's interpreter, where python3-numpy/scipy install
REPS="${REPS:-5}"
KS_DT="${KS_DT:-0.025}"
OUT="${OUT:-$ROOT/bench/integrators/out}"
mkdir -p "$OUT"

need=()
[ -f /usr/include/cvode/cvode.h ] || need+=(libsundials-dev)
[ -f /usr/include/suitesparse/klu.h ] || need+=(libsuitesparse-dev)
$PY -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
$PY -c 'import scipy' 2>/dev/null || need+=(python3-scipy)
command -v gcc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
fi

# Scratch copy: the shared folder is read-only and the peer scripts write results/.
W="$OUT/peers"
rm -rf "$W"; mkdir -p "$W"
cp -r "$PEERS"/. "$W"/
chmod -R u+w "$W"
LIBS="-lsundials_cvode -lsundials_nvecserial -lsundials_sunlinsolklu -lsundials_sunmatrixsparse -lsundials_sunmatrixdense -lsundials_sunlinsoldense -lsundials_sunlinsolspgmr -lsundials_sunnonlinsolfixedpoint -lklu -lm"
# The unpreconditioned SPGMR configuration takes minutes and is not a
# comparison we quote: drop it from the copy.
sed -i '/bruss32_bdf_spgmr_noprec/d' "$W/w5_cvode.c"
gcc -O3 -march=native -I/usr/include/suitesparse -o "$W/w5_cvode" "$W/w5_cvode.c" $LIBS
# Same driver timing process CPU time instead of wall time: on a shared,
# loaded machine CPU time is the steadier measure (ours reports both).
sed 's/CLOCK_MONOTONIC/CLOCK_PROCESS_CPUTIME_ID/' "$W/w5_cvode.c" > "$W/w5_cvode_cpu.c"
gcc -O3 -march=native -I/usr/include/suitesparse -I"$W" -o "$W/w5_cvode_cpu" "$W/w5_cvode_cpu.c" $LIBS

echo "== CVODE (w5_cvode bench: median of 5; 3 for the Brusselator variants)"
(cd "$W" && ./w5_cvode bench) | tee "$OUT/cvode.jsonl"
echo "== CVODE, CPU time"
(cd "$W" && ./w5_cvode_cpu bench) | tee "$OUT/cvode_cpu.jsonl"
echo "== SciPy (w5_scipy.py)"
SCIPY_CASES="lorenz_DOP853 rober_LSODA rober_BDF bruss32_BDF_sparsejac"
(cd "$W" && $PY w5_scipy.py $SCIPY_CASES) | tee "$OUT/scipy.log"
echo "== SciPy, CPU time"
sed 's/time.perf_counter()/time.process_time()/; s/save("w5_scipy"/save("w5_scipy_cpu"/' "$W/w5_scipy.py" > "$W/w5_scipy_cpu.py"
(cd "$W" && $PY w5_scipy_cpu.py $SCIPY_CASES) | tee "$OUT/scipy_cpu.log"
echo "== NumPy KS pair generation (dt=$KS_DT)"
$PY "$ROOT/bench/integrators/ks_numpy.py" "$KS_DT" 3 | tee "$OUT/ks_numpy.json"
BCR_ARGS=()
if [ "${BCR:-0}" = 1 ] && [ -d "$PEERS/../peers2" ]; then
  echo "== CVODE BCR (peers2: import, generate C, gcc -O3, 1 run at rtol 1e-6 atol 1e-8, AMD)"
  B="$OUT/peers2"
  mkdir -p "$B"; cp -r "$PEERS/../peers2"/. "$B"/; chmod -R u+w "$B"
  # The generated model compiles for minutes: reuse the object of a previous run.
  (cd "$B" && mkdir -p build results \
     && { [ -f build/bcr_gen.o ] || { $PY bcr_import.py "$PEERS/../bionetgen/bcr/bcr.net" build >/dev/null \
          && gcc -O3 -march=native -c build/bcr_gen.c -o build/bcr_gen.o; }; } \
     && gcc -O3 -march=native -I/usr/include/suitesparse -o build/bcr_cvode bcr_cvode.c build/bcr_gen.o $LIBS \
     && ./build/bcr_cvode bench 1e-6 1e-8 0 1 bcr_ref_t10000.txt) | tee "$OUT/bcr_cvode.jsonl"
  # The same run timed in process CPU time (same model object, patched clock).
  (cd "$B" && sed 's/CLOCK_MONOTONIC/CLOCK_PROCESS_CPUTIME_ID/' bcr_cvode.c > bcr_cvode_cpu.c \
     && gcc -O3 -march=native -I/usr/include/suitesparse -I. -o build/bcr_cvode_cpu bcr_cvode_cpu.c build/bcr_gen.o $LIBS \
     && ./build/bcr_cvode_cpu bench 1e-6 1e-8 0 1 bcr_ref_t10000.txt) | tee "$OUT/bcr_cvode_cpu.jsonl"
  BCR_ARGS=(-bcr-cvode "$OUT/bcr_cvode.jsonl" -bcr-cvode-cpu "$OUT/bcr_cvode_cpu.jsonl")
fi
echo "== symcalc"
go run ./bench/integrators -reps "$REPS" -ks-dt "$KS_DT" -peers "$W" \
  -cvode "$OUT/cvode.jsonl" -cvode-cpu "$OUT/cvode_cpu.jsonl" -scipy "$W/results/w5_scipy_lorenz_DOP853_rober_LSODA_rober_BDF_bruss32_BDF_sparsejac.json" \
  -scipy-cpu "$W/results/w5_scipy_cpu_lorenz_DOP853_rober_LSODA_rober_BDF_bruss32_BDF_sparsejac.json" \
  -ks-numpy "$OUT/ks_numpy.json" "${BCR_ARGS[@]}" | tee "$OUT/table.txt"
