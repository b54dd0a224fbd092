"""SymPy side of the core benchmarks: the same work as core_test.go's
benchmarks, timed the same way (median of repeats, SymPy's cache cleared
before each sample). Prints one line per workload: name seconds."""
import statistics, sys, time
import sympy as sp

sys.setrecursionlimit(100000)
PEERS = sys.argv[1] if len(sys.argv) > 1 else "../../../shared/workloads/peers"
sys.path.insert(0, PEERS)


def timeit(fn, reps):
    from sympy.core.cache import clear_cache
    ts = []
    for _ in range(reps):
        clear_cache()
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


x, y, z = sp.symbols("x y z")
print("ExpandXYZ1Pow20", timeit(lambda: sp.expand((x + y + z + 1) ** 20), 3), flush=True)


# W1 (c): symbols created first (reported apart), then the terms and one Add.
N = 10000
xs = [sp.Symbol(f"x_{i}") for i in range(1, N + 1)]
ys = [sp.Symbol(f"y_{i}") for i in range(1, N + 1)]


def sum_build(n):
    terms = [sp.Integer(i) * xs[i - 1] * ys[i - 1] ** 2 for i in range(1, n + 1)]
    return sp.Add(*terms)


print("SumBuild/10000", timeit(lambda: sum_build(N), 3) / N, "per-term", flush=True)

import symmodels as S


def sparse_jac(states, rhs):
    idx = {s: k for k, s in enumerate(states)}
    out = []
    for r, e in enumerate(rhs):
        for c in sorted(idx[s] for s in e.free_symbols if s in idx):
            d = sp.diff(e, states[c])
            if d != 0:
                out.append((r, c, d))
    return out


states, rhs, _ = S.network()
print("JacobianNetwork20", timeit(lambda: sparse_jac(states, rhs), 5), flush=True)
if "--bruss" in sys.argv:
    states, rhs, _ = S.brusselator(32)
    print("JacobianBrusselator32", timeit(lambda: sparse_jac(states, rhs), 1), flush=True)
