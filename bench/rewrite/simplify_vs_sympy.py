#!/usr/bin/env python3
"""Side-by-side: sympy.simplify versus symcalc's rewrite.Simplify on the peer
expression list (../shared/workloads/peers/simplify_exprs.txt, one
expression per line).

Run from the repository root:

    /usr/bin/python3 bench/rewrite/simplify_vs_sympy.py [--quick]

It installs python3-sympy with apt-get when SymPy is missing, runs SymPy
(median of 5 samples per expression, SymPy's cache cleared before each,
the same method as the peer's w3_simplify.py) and symcalc (the Go driver
bench/rewrite/simplifytime, median of 5 samples of >= 1 ms each) in this
one run, and checks the three targets of issue 4:

  size   our result's count_ops <= SymPy's simplify result's, on >= 90 %
  value  our result equals the input at random points, on every expression
  time   total SymPy time >= 20x our total time

Our result is parsed back into SymPy with evaluate=False, so it is counted
as printed, not after SymPy's own automatic simplification. Exit status 0
when all three hold, 1 otherwise; 0 with a message when ../shared is absent.
"""
import json
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LIST = os.path.join(ROOT, "..", "shared", "workloads", "peers", "simplify_exprs.txt")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def ensure_sympy():
    try:
        import sympy  # noqa: F401
    except ImportError:
        print("SymPy missing: apt-get install -y python3-sympy", flush=True)
        subprocess.run(["apt-get", "install", "-y", "python3-sympy"], check=True)


def to_sympy_syntax(src):
    """symcalc infix -> SymPy input. Powers are ^ in both (SymPy's parser
    gets convert_xor); symcalc's != and ifelse do not occur in results here.
    abs/sign/min/max map to SymPy's names."""
    return (src.replace("abs(", "Abs(").replace("min(", "Min(").replace("max(", "Max(")
            .replace("sign(", "sign("))


def to_symcalc_syntax(src):
    """SymPy/peer list syntax -> symcalc: ** is accepted by our parser as ^,
    but we normalise it anyway; the list has no other differences (its
    functions are sin cos tan exp log sinh cosh, all ours)."""
    return src.replace("**", "^")


def timeit(fn, repeats):
    """Median wall time and mean CPU time (process_time) of fn()."""
    from sympy.core.cache import clear_cache
    samples, cpu, out = [], 0.0, None
    for _ in range(repeats):
        clear_cache()
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t0)
        cpu += time.process_time() - c0
    return statistics.median(samples), cpu / repeats, out


def values_equal(sp, a, b, syms, rng, points=8):
    """a == b at random real points where a is finite (a is the input)."""
    checked = 0
    for _ in range(60):
        if checked >= points:
            break
        vals = {s: sp.Float(rng.choice([1, -1]) * rng.uniform(0.3, 2.5), 30) for s in syms}
        try:
            va = complex(sp.N(a.subs(vals), 25))
            vb = complex(sp.N(b.subs(vals), 25))
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if any(map(lambda z: z != z or abs(z) == float("inf"), [va])):
            continue
        if abs(va) > 1e12:
            continue
        checked += 1
        if not (abs(va - vb) <= 1e-9 * max(1.0, abs(va))):
            return False, checked
    return checked > 0, checked


def main():
    quick = "--quick" in sys.argv
    if not os.path.exists(LIST):
        print(f"peer list not found at {LIST}: skipping (needs ../shared)")
        return 0
    ensure_sympy()
    import sympy as sp
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations, convert_xor
    tr = standard_transformations + (convert_xor,)

    lines = [l.strip() for l in open(LIST) if l.strip() and not l.startswith("#")]

    # symcalc side: build and run the Go driver.
    import tempfile
    exe = os.path.join(tempfile.mkdtemp(prefix="simplifytime"), "simplifytime")
    os.makedirs(OUT, exist_ok=True)
    subprocess.run(["go", "build", "-o", exe, "./bench/rewrite/simplifytime"], cwd=ROOT, check=True)
    p = subprocess.run([exe, "-samples", "3" if quick else "5"], input="\n".join(map(to_symcalc_syntax, lines)) + "\n",
                       capture_output=True, text=True, cwd=ROOT, check=True)
    sys.stderr.write(p.stderr)
    ours = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    assert len(ours) == len(lines), "driver output does not match the input list"

    rng = random.Random(42)
    rows = []
    tot_sympy = tot_ours = cpu_sympy = cpu_ours = 0.0
    n_le = n_eq = 0
    print(f"{'#':>2} {'sympy':>9} {'ours':>9} {'ops sp/us':>9}  value  result (ours)")
    for i, (src, o) in enumerate(zip(lines, ours), 1):
        e = parse_expr(src, transformations=tr, evaluate=True)
        med, cpu, r = timeit(lambda: sp.simplify(e), 3 if quick else 5)
        tot_sympy += med
        tot_ours += o["median_ns"] * 1e-9
        cpu_sympy += cpu
        cpu_ours += o["cpu_ns"] * 1e-9
        if o.get("error"):
            print(f"{i:2d} symcalc error: {o['error']}")
        mine = parse_expr(to_sympy_syntax(o["result"]), transformations=tr, evaluate=False)
        ops_sp, ops_me = int(sp.count_ops(r)), int(sp.count_ops(mine))
        syms = sorted(e.free_symbols | mine.free_symbols, key=str)
        ok_in, n_in = values_equal(sp, e, mine, syms, rng)
        ok_sp, _ = values_equal(sp, r, mine, syms, rng)
        le = ops_me <= ops_sp
        eq = ok_in and ok_sp
        n_le += le
        n_eq += eq
        rows.append({"i": i, "src": src, "sympy_result": str(r), "ours": o["result"],
                     "conditions": o.get("conditions"), "ops_sympy": ops_sp, "ops_ours": ops_me,
                     "sympy_s": med, "ours_s": o["median_ns"] * 1e-9, "value_ok": eq, "points": n_in})
        print(f"{i:2d} {med*1e3:8.2f}ms {o['median_ns']/1e3:8.1f}us {ops_sp:>4}/{ops_me:<4}  {'ok' if eq else 'FAIL':5}  "
              f"{o['result']}" + (f"   [{', '.join(o['conditions'])}]" if o.get("conditions") else ""), flush=True)

    n = len(lines)
    ratio = tot_sympy / tot_ours if tot_ours > 0 else float("inf")
    size_ok = n_le >= 0.9 * n
    value_ok = n_eq == n
    time_ok = ratio >= 20
    print()
    print(f"size : ours <= SymPy on {n_le}/{n} = {100*n_le/n:.0f} %  (target >= 90 %)  {'HIT' if size_ok else 'MISS'}")
    print(f"value: equal at random points on {n_eq}/{n}  (target all)  {'HIT' if value_ok else 'MISS'}")
    cpu_ratio = cpu_sympy / cpu_ours if cpu_ours > 0 else float("inf")
    print(f"time : SymPy {tot_sympy*1e3:.1f} ms, ours {tot_ours*1e3:.3f} ms, ratio {ratio:.0f}x  (target >= 20x)  "
          f"{'HIT' if time_ok else 'MISS'}   [wall: sums of per-expression medians]")
    print(f"cpu  : SymPy {cpu_sympy*1e3:.1f} ms, ours {cpu_ours*1e3:.3f} ms, ratio {cpu_ratio:.0f}x  "
          f"[process CPU time per call; load average {os.getloadavg()[0]:.1f}]")
    with open(os.path.join(OUT, "simplify_vs_sympy.json"), "w") as f:
        json.dump({"rows": rows, "total_sympy_s": tot_sympy, "total_ours_s": tot_ours, "ratio": ratio,
                   "cpu_sympy_s": cpu_sympy, "cpu_ours_s": cpu_ours, "cpu_ratio": cpu_ratio,
                   "n": n, "n_size_ok": n_le, "n_value_ok": n_eq, "sympy": sp.__version__,
                   "python": sys.version.split()[0], "when": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "load_avg": os.getloadavg()}, f, indent=1)
    return 0 if (size_ok and value_ok and time_ok) else 1


if __name__ == "__main__":
    sys.exit(main())
