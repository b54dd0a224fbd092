#!/usr/bin/env bash
# KS pair generation (issue 8: the 20 observation pairs of
# ../shared/workloads/ks, N = 1024, ETDRK4) side by side with the NumPy
# reference, in interleaved rounds so both see the same machine load:
#
#   bash bench/integrators/ks.sh                 # 7 rounds at dt = 0.025
#   ROUNDS=5 KS_DT=0.01 bash bench/integrators/ks.sh
#
# Each round runs our benchmark (go test -bench BenchmarkKSPairs, REPS
# iterations: mean wall and CPU time per generation of the 20 pairs) and
# ks_numpy.py (median of REPS runs), alternating which goes first, and
# records the 1-minute load average. Prints one line per
# round and the median ratios; writes out/ks_side_by_side.txt. Needs only
# Go and Debian's python3-numpy (installed with apt-get when missing); the
# shared workloads are not read (the pairs are regenerated from the
# DESIGN.md initial state in both programs).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY=/usr/bin/python3
ROUNDS="${ROUNDS:-7}"
REPS="${REPS:-3}"
KS_DT="${KS_DT:-0.025}"
OUT="${OUT:-$ROOT/bench/integrators/out}"
mkdir -p "$OUT"
if ! $PY -c 'import numpy' 2>/dev/null; then
  echo "installing: python3-numpy"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-numpy >/dev/null
fi
BIN="$OUT/integrators-bench.test"
go test -c -o "$BIN" ./bench/integrators
ours() {
  "$BIN" -test.run '^$' -test.bench '^BenchmarkKSPairs$' -test.benchtime "${REPS}x" -ks.dt "$KS_DT" |
    awk '/^BenchmarkKSPairs/ { for (i = 1; i < NF; i++) { if ($(i+1) == "ns/op") w = $i / 1e9; if ($(i+1) == "cpu-ms/op") c = $i / 1e3; if ($(i+1) == "N-evals/op") e = $i }
         printf "{\"wall_s\": %.6f, \"cpu_s\": %.6f, \"steps\": %d}\n", w, c, e / 4 }'
}
{
  echo "# $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD) dt=$KS_DT reps=$REPS cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') numpy=$($PY -c 'import numpy; print(numpy.__version__)')"
  printf "%-5s %-6s %10s %10s %10s %10s %9s %9s\n" round load ours_cpu ours_wall numpy_cpu numpy_wall cpu_x wall_x
  for r in $(seq 1 "$ROUNDS"); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ $((r % 2)) -eq 1 ]; then
      ours=$(ours)
      np=$($PY bench/integrators/ks_numpy.py "$KS_DT" "$REPS")
    else
      np=$($PY bench/integrators/ks_numpy.py "$KS_DT" "$REPS")
      ours=$(ours)
    fi
    $PY - "$r" "$load" "$ours" "$np" <<'PYEOF'
import json, sys
r, load, ours, np = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
assert np["finite"] and np["steps"] == ours["steps"], (np, ours)
print("%-5s %-6s %8.1fms %8.1fms %8.1fms %8.1fms %8.2fx %8.2fx" % (r, load, 1e3*ours["cpu_s"], 1e3*ours["wall_s"],
      1e3*np["cpu_s"], 1e3*np["wall_s"], np["cpu_s"]/ours["cpu_s"], np["wall_s"]/ours["wall_s"]))
PYEOF
  done
} | tee "$OUT/ks_side_by_side.txt"
$PY - "$OUT/ks_side_by_side.txt" <<'PYEOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1].isdigit()]
cpu = [float(x[6].rstrip("x")) for x in rows]
wall = [float(x[7].rstrip("x")) for x in rows]
ours = [float(x[2].rstrip("ms")) for x in rows]
print("median NumPy/ours: CPU %.2fx (range %.2f-%.2f), wall %.2fx (range %.2f-%.2f); ours median CPU %.1f ms = %.1fx below the quoted 5.4 s"
      % (statistics.median(cpu), min(cpu), max(cpu), statistics.median(wall), min(wall), max(wall),
         statistics.median(ours), 5400 / statistics.median(ours)))
PYEOF
