#!/usr/bin/python3
"""NumPy/scikit-learn side of the whole model-error pipeline (see README.md).

Times, on the KS workload's 20 pairs, for case A's model u_t = -u u_x - u_xx:
  target    y = (u1 - M_dt[u0]) / dt with one ETDRK4 step (Kassam & Trefethen
            contour coefficients, 64 points, computed once outside the timing),
            vectorised over the pairs
  pipeline  ETDRK4 coefficients + target + the 24-term spectral library at the
            midpoints + column scaling + ARDRegression(fit_intercept=False,
            threshold_lambda=1e4).fit -- what `symcalc discover` does
Checks the target against target_A_clean.npy and the recovered support.
Prints one JSON object per line: {"bench": ..., "case": ..., "ms": median}.
"""
import json
import os
import sys

import numpy as np
from sklearn.linear_model import ARDRegression

sys.path.insert(0, os.path.dirname(__file__))
from peer_sklearn import KS, library, median_ms  # noqa: E402

L, DT = 100.0, 1e-3


def etdrk4_coefficients(n, dt):
    k = 2 * np.pi / L * np.fft.rfftfreq(n, 1.0 / n)
    Lk = k**2  # -dx(u, 2): symbol -(ik)^2
    E, E2 = np.exp(dt * Lk), np.exp(dt * Lk / 2)
    r = np.exp(1j * np.pi * (np.arange(1, 65) - 0.5) / 32)
    LR = dt * Lk[:, None] + r[None, :]
    Q = dt * np.real(np.mean((np.exp(LR / 2) - 1) / LR, axis=1))
    f1 = dt * np.real(np.mean((-4 - LR + np.exp(LR) * (4 - 3 * LR + LR**2)) / LR**3, axis=1))
    f2 = dt * np.real(np.mean((2 + LR + np.exp(LR) * (-2 + LR)) / LR**3, axis=1))
    f3 = dt * np.real(np.mean((-4 - 3 * LR - LR**2 + np.exp(LR) * (4 - LR)) / LR**3, axis=1))
    g = -0.5j * k
    g[-1] = 0
    return E, E2, Q, f1, f2, f3, g


def step(u, c):
    E, E2, Q, f1, f2, f3, g = c
    n = u.shape[-1]
    v = np.fft.rfft(u, axis=-1)

    def N(w):
        return g * np.fft.rfft(np.fft.irfft(w, n=n, axis=-1) ** 2, axis=-1)

    Nv = N(v)
    a = E2 * v + Q * Nv
    Na = N(a)
    b = E2 * v + Q * Na
    Nb = N(b)
    cc = E2 * a + Q * (2 * Nb - Nv)
    Nc = N(cc)
    v = E * v + Nv * f1 + 2 * (Na + Nb) * f2 + Nc * f3
    return np.fft.irfft(v, n=n, axis=-1)


def target(pairs, c):
    return ((pairs[:, 1] - step(pairs[:, 0], c)) / DT).reshape(-1)


def pipeline(pairs):
    c = etdrk4_coefficients(pairs.shape[2], DT)
    y = target(pairs, c)
    X = library(pairs)
    rms = np.sqrt(np.mean(X**2, axis=0))
    ys = np.std(y)
    m = ARDRegression(fit_intercept=False, threshold_lambda=1e4).fit(X / rms, y / ys)
    return m.coef_ * ys / rms


def main():
    if not os.path.isdir(KS):
        print(f"skip: {KS} not found", file=sys.stderr)
        return
    pairs = np.load(os.path.join(KS, "truth_pairs.npy"))
    ref = np.load(os.path.join(KS, "target_A_clean.npy")).reshape(-1)
    c = etdrk4_coefficients(pairs.shape[2], DT)
    err = np.max(np.abs(target(pairs, c) - ref)) / np.max(np.abs(ref))
    assert err < 1e-8, f"numpy ETDRK4 target differs from target_A_clean: {err}"
    print(json.dumps({"bench": "target", "case": "A", "ms": median_ms(lambda: target(pairs, c)), "rel_err": err}))
    coef = pipeline(pairs)
    print(json.dumps({"bench": "pipeline", "case": "A", "ms": median_ms(lambda: pipeline(pairs)),
                      "support": [int(i) for i in np.flatnonzero(coef)], "coef": [float(x) for x in coef[coef != 0]]}))


if __name__ == "__main__":
    main()
