#!/usr/bin/python3
"""SymPy side of the BCR term-construction and Jacobian benchmark.

usage: bcr_sympy.py NETFILE [REPS]

Builds the mass-action equations of a BioNetGen .net file as SymPy
expressions (parameters as symbols, rate expressions sympified, each
equation one Add of its flux terms) and their sparse Jacobian (each
equation differentiated only by the species it contains), the same work
symcalc's parser.ParseBioNetGen and symbolic.SparseJacobianOf do.
Prints one JSON line with the median wall and CPU (process) times in seconds.
"""
import json
import sys
import time

import sympy


def blocks(fn):
    out, cur = {}, None
    with open(fn) as f:
        for line in f:
            s = line.split('#', 1)[0].strip()
            if not s:
                continue
            if s.startswith('begin '):
                cur = s[6:].strip()
                out[cur] = []
            elif s.startswith('end '):
                cur = None
            elif cur is not None:
                out[cur].append(s)
    return out


def build(fn):
    B = blocks(fn)
    params = {}
    for s in B['parameters']:
        parts = s.split(None, 2)
        params[parts[1]] = sympy.Symbol(parts[1])
    xs = []
    for s in B['species']:
        xs.append(sympy.Symbol('s%d' % (len(xs) + 1)))
    terms = [[] for _ in xs]
    cache = {}
    for s in B['reactions']:
        parts = s.split(None, 3)
        rs = [int(a) - 1 for a in parts[1].split(',') if a != '0']
        ps = [int(a) - 1 for a in parts[2].split(',') if a != '0']
        rate = parts[3].strip()
        k = cache.get(rate)
        if k is None:
            k = sympy.sympify(rate.replace('^', '**'), locals=params)
            cache[rate] = k
        v = sympy.Mul(k, *[xs[i] for i in rs])
        for i in rs:
            terms[i].append(-v)
        for i in ps:
            terms[i].append(v)
    eqs = [sympy.Add(*t) for t in terms]
    return xs, eqs


def jacobian(xs, eqs):
    xset = set(xs)
    J = {}
    for i, f in enumerate(eqs):
        for x in f.free_symbols & xset:
            d = sympy.diff(f, x)
            if d != 0:
                J[(i, x)] = d
    return J


def main():
    fn = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    tb, tj, cb, cj = [], [], [], []
    for _ in range(reps):
        sympy.core.cache.clear_cache()
        t0, c0 = time.perf_counter(), time.process_time()
        xs, eqs = build(fn)
        t1, c1 = time.perf_counter(), time.process_time()
        J = jacobian(xs, eqs)
        t2, c2 = time.perf_counter(), time.process_time()
        tb.append(t1 - t0)
        tj.append(t2 - t1)
        cb.append(c1 - c0)
        cj.append(c2 - c1)
    nterms = sum(len(e.args) if isinstance(e, sympy.Add) else 1 for e in eqs)
    med = lambda v: sorted(v)[len(v) // 2]
    print(json.dumps({'case': 'bcr_sympy', 'sympy': sympy.__version__, 'species': len(xs),
                      'terms': nterms, 'jac_nnz': len(J), 'build_s': med(tb), 'jac_s': med(tj),
                      'build_cpu_s': med(cb), 'jac_cpu_s': med(cj),
                      'build_samples': tb, 'jac_samples': tj}))


if __name__ == '__main__':
    main()
