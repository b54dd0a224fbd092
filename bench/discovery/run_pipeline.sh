#!/usr/bin/env bash
# Side-by-side speed of the whole model-error pipeline of `symcalc discover`
# (equation-file model -> one ETDRK4 step per pair -> target -> symbolic
# library on the tape VM -> ARD) and a NumPy/scikit-learn version of it, on
# the KS workload's 20 pairs, case A.
# Usage (from anywhere): bash bench/discovery/run_pipeline.sh
# Installs Debian's python3-sklearn when missing; skips the peer side if
# ../shared/workloads/ks is absent. BENCHTIME and COUNT tune the Go side.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sklearn, numpy, scipy' 2>/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-numpy python3-scipy
fi
out=$(mktemp -d)
go test -run '^$' -bench 'ModelErrorTarget20Pairs|DiscoverCaseA|FieldLibrary20Pairs|KSLibrary20Pairs' \
  -benchtime "${BENCHTIME:-20x}" -count "${COUNT:-3}" ./discovery/ | tee "$out/go.txt"
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "$PY" bench/discovery/peer_pipeline.py | tee "$out/py.txt"
"$PY" - "$out/go.txt" "$out/py.txt" <<'PYEOF'
import json, re, statistics, sys
go = {}
for line in open(sys.argv[1]):
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(2)) / 1e6)
go = {k: statistics.median(v) for k, v in go.items()}
py = {json.loads(l)["bench"]: json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")}
print()
print(f"{'task':<44}{'symcalc ms':>12}{'peer ms':>10}{'peer/symcalc':>14}")
rows = [("target, 20 pairs (equation-file model)", "ModelErrorTarget20Pairs/equation-file", "target"),
        ("target, 20 pairs (hand-coded SemilinearModel)", "ModelErrorTarget20Pairs/SemilinearModel", "target"),
        ("symbolic library on the tape, 20 pairs", "FieldLibrary20Pairs", None),
        ("numeric library, 20 pairs", "KSLibrary20Pairs", None),
        ("whole pipeline, case A", "DiscoverCaseA", "pipeline")]
for label, g, p in rows:
    gv = go.get(g)
    pv = py.get(p, {}).get("ms") if p else None
    gs = f"{gv:12.2f}" if gv is not None else f"{'-':>12}"
    ps = f"{pv:10.2f}" if pv is not None else f"{'-':>10}"
    ratio = f"{pv / gv:13.1f}x" if gv and pv else ""
    print(f"{label:<44}{gs}{ps}{ratio}")
PYEOF
