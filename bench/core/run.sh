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
go test -c -o /tmp/symcalc-core.test .
/tmp/symcalc-core.test -test.run xxx -test.bench . -test.skip 'InternLookup|MemoryLatency|SumBuild' -test.benchtime 5x -test.count 1 -test.cpu 2 | tee /tmp/symcalc-core-bench.txt
# The sum builds in steady state: go test's default benchtime (about a
# second of builds each), as for any Go benchmark.
/tmp/symcalc-core.test -test.run xxx -test.bench 'SumBuild' -test.count 1 -test.cpu 2 | grep '^Benchmark' | tee -a /tmp/symcalc-core-bench.txt
# And the first build of a process, alone (every page of heap it touches
# is new to the process; see README, "Page faults on this machine").
for n in 10000 100000; do
  /tmp/symcalc-core.test -test.run xxx -test.bench "SumBuildFresh/$n\$" -test.benchtime 1x -test.count 1 -test.cpu 2 |
    grep '^Benchmark' | sed 's/SumBuildFresh/SumBuildCold/' | tee -a /tmp/symcalc-core-bench.txt
done
# The floor under the sum build: one intern-table hit and one dependent
# cache miss at the workload's sizes (they need many iterations).
/tmp/symcalc-core.test -test.run xxx -test.bench 'InternLookup|MemoryLatency' -test.benchtime 2000000x -test.count 1 -test.cpu 2 | grep '^Benchmark'
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
    # And beside the first build of a fresh process.
    for other in ("SumBuildFresh/", "SumBuildCold/"):
        fresh = name.replace("SumBuild/", other)
        if fresh != name and fresh in ours:
            print(f"{fresh:28s} symcalc {ours[fresh]:.3e} s  SymPy {t:.3e} s  ratio {t/ours[fresh]:8.1f}x")
PY
