#!/usr/bin/env bash
# Side-by-side speed of discovery/ and scikit-learn/NumPy on the KS workload.
# Usage (from anywhere): bash bench/discovery/run.sh
# Installs Debian's python3-sklearn when missing. Skips the peer side if
# ../shared/workloads/ks is absent. BENCHTIME and COUNT tune the Go side.
# The Go code is single-threaded; OpenBLAS is pinned to one thread too (set
# OPENBLAS_NUM_THREADS to change that) so both sides get the same machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sklearn, numpy, scipy' 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-numpy python3-scipy
fi
out=$(mktemp -d)
go test -run '^$' -bench 'KSLibrary20Pairs|ARD20480x24|RVM20480x24|STLSQ20480x24|Gram20480x24' \
  -benchtime "${BENCHTIME:-1s}" -count "${COUNT:-3}" ./discovery/ | tee "$out/go.txt"
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$PY" bench/discovery/peer_sklearn.py | tee "$out/py.txt"
"$PY" - "$out/go.txt" "$out/py.txt" <<'PYEOF'
import json, re, statistics, sys
go = {}
for line in open(sys.argv[1]):
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(2)) / 1e6)
go = {k: statistics.median(v) for k, v in go.items()}
py = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
print()
print(f"{'task':<28}{'symcalc ms':>12}{'peer ms':>12}{'peer/symcalc':>14}")
names = {"library": "KSLibrary20Pairs", "ARD": "ARD20480x24/{}", "STLSQ": "STLSQ20480x24/{}"}
for r in py:
    key = names[r["bench"]].format(r["case"])
    g = go.get(key)
    label = f"{r['bench']} {r['case']}"
    if g is None:
        print(f"{label:<28}{'-':>12}{r['ms']:>12.2f}")
    else:
        print(f"{label:<28}{g:>12.2f}{r['ms']:>12.2f}{r['ms']/g:>13.1f}x")
for k in sorted(go):
    if k.startswith(("RVM", "FastRVM", "Gram")):
        print(f"{k:<28}{go[k]:>12.2f}{'(no peer)':>12}")
PYEOF
