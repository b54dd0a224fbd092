#!/usr/bin/python3
"""scikit-learn / NumPy side of the discovery benchmarks (see README.md).

Times, on the KS workload's 20 pairs (20,480 x 24):
  library  the 24-term spectral library u^p d^q u at the midpoints, NumPy FFT
  ARD      ARDRegression(fit_intercept=False, threshold_lambda=1e4).fit on the
           scaled library (columns unit RMS, y / std) -- the fit alone
  STLSQ    sequentially thresholded least squares, threshold 0.05 on physical
           coefficients, np.linalg.lstsq, with an unscaled refit
Prints one JSON object per line: {"bench": ..., "case": ..., "ms": median}.
Reads ../shared/workloads/ks relative to the repository root.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import ARDRegression

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KS = os.path.join(ROOT, "..", "shared", "workloads", "ks")
REPS = int(os.environ.get("REPS", "7"))


def median_ms(f):
    ts = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(ts))


def library(pairs, L=100.0):
    P, _, N = pairs.shape
    mid = 0.5 * (pairs[:, 0] + pairs[:, 1])
    k = 2 * np.pi / L * np.fft.rfftfreq(N, 1.0 / N)
    uh = np.fft.rfft(mid, axis=1)
    d = []
    for q in range(1, 5):
        m = (1j * k) ** q
        if q % 2 == 1:
            m[-1] = 0
        d.append(np.fft.irfft(uh * m, n=N, axis=1))
    cols = []
    for q in range(5):
        for p in range(5):
            if p == 0 and q == 0:
                continue
            base = mid**p
            cols.append(base if q == 0 else base * d[q - 1])
    return np.stack([c.reshape(-1) for c in cols], axis=1)


def stlsq(X, y, rms, ys, thr=0.05, iters=20):
    c = np.linalg.lstsq(X, y, rcond=None)[0]
    keep = np.ones(X.shape[1], bool)
    for _ in range(iters):
        small = np.abs(c * ys / rms) < thr
        if not np.any(small & keep):
            break
        keep &= ~small
        c[:] = 0
        c[keep] = np.linalg.lstsq(X[:, keep], y, rcond=None)[0]
    return c


def main():
    if not os.path.isdir(KS):
        print(f"skip: {KS} not found", file=sys.stderr)
        return
    pairs = np.load(os.path.join(KS, "truth_pairs.npy"))
    theta = np.load(os.path.join(KS, "theta_mid_clean.npy"))
    lib = library(pairs)
    err = np.max(np.linalg.norm(lib - theta, axis=0) / np.linalg.norm(theta, axis=0))
    assert err < 1e-10, f"numpy library differs from theta_mid_clean: {err}"
    print(json.dumps({"bench": "library", "case": "20pairs", "ms": median_ms(lambda: library(pairs)),
                      "sklearn": sklearn.__version__, "numpy": np.__version__}))
    rms = np.sqrt(np.mean(theta**2, axis=0))
    for c in "ABC":
        y = np.load(os.path.join(KS, f"target_{c}_clean.npy")).reshape(-1)
        ys = np.std(y)
        X, yy = theta / rms, y / ys
        m = ARDRegression(fit_intercept=False, threshold_lambda=1e4)
        print(json.dumps({"bench": "ARD", "case": c, "ms": median_ms(lambda: m.fit(X, yy)),
                          "support": [int(i) for i in np.flatnonzero(m.coef_)]}))
        cs = stlsq(X, yy, rms, ys)
        print(json.dumps({"bench": "STLSQ", "case": c, "ms": median_ms(lambda: stlsq(X, yy, rms, ys)),
                          "support": [int(i) for i in np.flatnonzero(cs)]}))


if __name__ == "__main__":
    main()
