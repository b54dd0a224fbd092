#!/usr/bin/python3
"""Regenerate the small reference data that discovery's Go tests read.

Run from the repository root:  python3 bench/discovery/make_reference.py
(or `bash bench/discovery/make_reference.sh`, which installs Debian's
python3-sklearn first when it is missing).

It reads ../shared/workloads/ks/ (the KS workload) and writes into
discovery/testdata/:
  ks_truth_pairs.npy        copy of truth_pairs.npy, (20, 2, 1024)
  ks_target_{A,B,C}.npy     copies of target_{A,B,C}_clean.npy, (20, 1024)
  ks_obs_noise0.01.npy      copy of obs_noise0.01.npy, (20, 2, 1024)
  ks_theta_pair0.npy        rows 0..1023 of theta_mid_clean.npy, (1024, 24)
  ard_synthetic.npy         random design + target for a noisy ARD problem
  ard_reference.json        scikit-learn ARDRegression results on all of them
and into discovery/npy/testdata/ a few arrays written by numpy.save, so the
reader is checked against NumPy's own writer.
"""
import json
import os
import shutil
import sys

import numpy as np
import sklearn
from sklearn.linear_model import ARDRegression

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KS = os.path.abspath(os.path.join(ROOT, "..", "shared", "workloads", "ks"))
TD = os.path.join(ROOT, "discovery", "testdata")
NPYTD = os.path.join(ROOT, "discovery", "npy", "testdata")


def scale(theta, y):
    """Columns to unit RMS, y divided by its std (the workload's convention)."""
    rms = np.sqrt(np.mean(theta**2, axis=0))
    ys = np.std(y)
    return theta / rms, y / ys, rms, ys


def ard(X, y):
    m = ARDRegression(fit_intercept=False, threshold_lambda=1e4)
    m.fit(X, y)
    return m


def record(name, X, y, rms=None, ys=None):
    m = ard(X, y)
    out = {
        "name": name,
        "rows": int(X.shape[0]),
        "cols": int(X.shape[1]),
        "coef": m.coef_.tolist(),
        "lambda": m.lambda_.tolist(),
        "alpha": float(m.alpha_),
        "n_iter": int(getattr(m, "n_iter_", -1)),
        "support": [int(i) for i in np.flatnonzero(m.coef_)],
    }
    if rms is not None:
        out["physical_coef"] = (m.coef_ * ys / rms).tolist()
    return out


def main():
    if not os.path.isdir(KS):
        sys.exit(f"workload directory {KS} not found")
    os.makedirs(TD, exist_ok=True)
    os.makedirs(NPYTD, exist_ok=True)
    shutil.copyfile(os.path.join(KS, "truth_pairs.npy"), os.path.join(TD, "ks_truth_pairs.npy"))
    shutil.copyfile(os.path.join(KS, "obs_noise0.01.npy"), os.path.join(TD, "ks_obs_noise0.01.npy"))
    for c in "ABC":
        shutil.copyfile(os.path.join(KS, f"target_{c}_clean.npy"), os.path.join(TD, f"ks_target_{c}.npy"))
    theta = np.load(os.path.join(KS, "theta_mid_clean.npy"))
    np.save(os.path.join(TD, "ks_theta_pair0.npy"), np.ascontiguousarray(theta[:1024]))

    refs = []
    for c in "ABC":
        y = np.load(os.path.join(KS, f"target_{c}_clean.npy")).reshape(-1)
        for npairs in (1, 20):
            n = npairs * 1024
            X, ys, rms, ysd = scale(theta[:n], y[:n])
            refs.append(record(f"ks_{c}_{npairs}pair", X, ys, rms, ysd))

    # A noisy synthetic problem where pruning is not trivial, and one with
    # fewer rows than columns (scikit-learn's Woodbury branch).
    rng = np.random.default_rng(7)
    X = rng.standard_normal((300, 12))
    w = np.zeros(12)
    w[[1, 4, 9]] = [1.5, -0.7, 0.3]
    y = X @ w + 0.2 * rng.standard_normal(300)
    X2 = rng.standard_normal((15, 25))
    w2 = np.zeros(25)
    w2[[0, 3]] = [2.0, -1.0]
    y2 = X2 @ w2 + 0.05 * rng.standard_normal(15)
    np.save(os.path.join(TD, "ard_synthetic_X.npy"), X)
    np.save(os.path.join(TD, "ard_synthetic_y.npy"), y)
    np.save(os.path.join(TD, "ard_wide_X.npy"), X2)
    np.save(os.path.join(TD, "ard_wide_y.npy"), y2)
    refs.append(record("synthetic", X, y))
    refs.append(record("wide", X2, y2))

    with open(os.path.join(TD, "ard_reference.json"), "w") as f:
        json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__,
                   "settings": "ARDRegression(fit_intercept=False, threshold_lambda=1e4), defaults otherwise",
                   "cases": refs}, f, indent=1)
        f.write("\n")

    # Fixtures for the .npy reader, written by NumPy itself.
    a = np.arange(24, dtype="<f8").reshape(2, 3, 4) / 8.0 - 1.0
    np.save(os.path.join(NPYTD, "f8_2x3x4.npy"), a)
    np.save(os.path.join(NPYTD, "f4_2x3x4.npy"), a.astype("<f4"))
    np.save(os.path.join(NPYTD, "be_f8_2x3x4.npy"), a.astype(">f8"))
    np.save(os.path.join(NPYTD, "f8_vector5.npy"), np.array([1.0, -2.5, np.pi, 1e300, -0.0]))
    np.save(os.path.join(NPYTD, "f8_scalar.npy"), np.array(4.25))
    np.save(os.path.join(NPYTD, "fortran_2x3.npy"), np.asfortranarray(a[0]))
    np.save(os.path.join(NPYTD, "i8_3.npy"), np.arange(3, dtype="<i8"))
    for r in refs:
        print(r["name"], "support", r["support"], "n_iter", r["n_iter"])


if __name__ == "__main__":
    main()
