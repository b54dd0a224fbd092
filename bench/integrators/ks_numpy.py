"""NumPy reference for the KS pair generation (the peer of
testproblems.KSPairs): Kassam & Trefethen's ETDRK4 with numpy.fft.rfft,
L = 100, N = 1024, initial state -cos(2πx/L)(1 + sin(-2πx/L)), spin-up 100,
20 pairs 10 time units apart, the second state of each pair one ETDRK4
step of 1e-3. Prints one JSON object: median wall time over REPS runs.

usage: python3 ks_numpy.py DT REPS
"""
import json
import statistics
import sys
import time

import numpy as np

N, Lx = 1024, 100.0


def coeffs(h, Lop, M=64):
    E = np.exp(h * Lop)
    E2 = np.exp(h * Lop / 2)
    r = np.exp(2j * np.pi * (np.arange(1, M + 1) - 0.5) / M)
    LR = h * Lop[:, None] + r[None, :]
    Q = h * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = h * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1))
    f2 = h * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR**3, axis=1))
    f3 = h * np.real(np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1))
    return E, E2, Q, f1, f2, f3


def generate(dt):
    x = Lx * np.arange(N) / N
    u = -np.cos(2 * np.pi * x / Lx) * (1 + np.sin(-2 * np.pi * x / Lx))
    k = 2 * np.pi / Lx * np.arange(N // 2 + 1)
    Lop = k**2 - k**4
    g = -0.5j * k
    g[-1] = 0

    def nl(v):
        return g * np.fft.rfft(np.fft.irfft(v, n=N) ** 2)

    def step(v, c):
        E, E2, Q, f1, f2, f3 = c
        Nv = nl(v)
        a = E2 * v + Q * Nv
        Na = nl(a)
        b = E2 * v + Q * Na
        Nb = nl(b)
        cc = E2 * a + Q * (2 * Nb - Nv)
        Nc = nl(cc)
        return E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3

    cm, co = coeffs(dt, Lop), coeffs(1e-3, Lop)
    v = np.fft.rfft(u)
    steps = 0
    for _ in range(int(round(100 / dt))):
        v = step(v, cm)
        steps += 1
    pairs = np.empty((20, 2, N))
    for p in range(20):
        if p > 0:
            for _ in range(int(round(10 / dt))):
                v = step(v, cm)
                steps += 1
        pairs[p, 0] = np.fft.irfft(v, n=N)
        pairs[p, 1] = np.fft.irfft(step(v, co), n=N)
        steps += 1
    return pairs, steps


if __name__ == "__main__":
    dt = float(sys.argv[1]) if len(sys.argv) > 1 else 0.025
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    walls, cpus = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        pairs, steps = generate(dt)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    print(json.dumps({"wall_s": statistics.median(walls), "cpu_s": statistics.median(cpus), "samples": walls, "dt": dt, "steps": steps,
                      "numpy": np.__version__, "finite": bool(np.isfinite(pairs).all())}))
