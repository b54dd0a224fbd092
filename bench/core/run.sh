#!/usr/bin/env bash
# Runs the core benchmarks and the SymPy peer on the same work, side by side.
#   bench/core/run.sh            # quick: SymPy on expand, sum build, network Jacobian
#   bench/core/run.sh --bruss    # also SymPy's Brusselator N=32 Jacobian (~30 s)
set -euo pipefail
cd "$(dirname "$0")"
PEERS=$(cd ../../../shared/workloads/peers 2>/dev/null && pwd) || { echo "needs ../shared/workloads/peers beside the repository" >&2; exit 1; }
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import sympy' 2>/dev/null; then
  echo "installing python3-sympy (Debian)" >&2
  (apt-get install -y python3-sympy || sudo apt-get install -y python3-sympy) >/dev/null
fi
go test -run xxx -bench . -skip 'InternLookup|MemoryLatency' -benchtime 5x -count 1 -cpu 2 . | tee /tmp/symcalc-core-bench.txt
# The floor under the sum build: one intern-table hit and one dependent
# cache miss at the workload's sizes (they need many iterations).
go test -run xxx -bench 'InternLookup|MemoryLatency' -benchtime 2000000x -count 1 -cpu 2 . | grep '^Benchmark'
(cd "$PEERS" && "$PY" "$OLDPWD/sympy_peer.py" "$PEERS" "$@") | tee /tmp/symcalc-core-sympy.txt
echo
echo "side by side (ours vs SymPy, same machine, same run):"
"$PY" - <<'PY'
import re
ours = {}
for line in open("/tmp/symcalc-core-bench.txt"):
    m = re.match(r"Benchmark(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) ns/term)?", line)
    if m:
        ours[m.group(1)] = float(m.group(3) or m.group(2)) * 1e-9
for line in open("/tmp/symcalc-core-sympy.txt"):
    f = line.split()
    name, t = f[0], float(f[1])
    if name in ours:
        print(f"{name:28s} symcalc {ours[name]:.3e} s  SymPy {t:.3e} s  ratio {t/ours[name]:8.1f}x")
    # SymPy's sum build makes every term (its cache is cleared before each
    # sample): set it beside our build of new terms too.
    fresh = name.replace("SumBuild/", "SumBuildFresh/")
    if fresh != name and fresh in ours:
        print(f"{fresh:28s} symcalc {ours[fresh]:.3e} s  SymPy {t:.3e} s  ratio {t/ours[fresh]:8.1f}x")
PY
