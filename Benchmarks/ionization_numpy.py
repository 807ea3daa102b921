#!/usr/bin/env python3
"""Peer side of `perseus bench ionization`: NEI ion fractions from the neutral state by the
eigenvector method with NumPy/LAPACK (numpy.linalg.eig of each element's rate matrix, then
numpy.linalg.solve for the mode coefficients), on the rates Perseus passes in.

Prints one JSON object: microseconds per (kT, tau) point (best of --repeats, this thread's CPU
time, as the Swift side measures) and the fractions of every point (for the accuracy
comparison), or {"unavailable": reason}.
"""
import argparse
import json
import time

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()

try:
    import numpy as np
except ImportError as error:  # reported, not raised: the Swift side says the peer is missing
    print(json.dumps({"unavailable": f"numpy not importable: {error}"}))
    raise SystemExit(0)

with open(args.input) as fh:
    cases = json.load(fh)


def generator(s, a):
    n = len(s) + 1
    m = np.zeros((n, n))
    idx = np.arange(n - 1)
    m[idx, idx] -= s
    m[idx + 1, idx] += s
    m[idx, idx + 1] += a
    m[idx + 1, idx + 1] -= a
    return m


def solve(case):
    out = []
    tau = case["tau"]
    for r in case["rates"]:
        s, a = np.array(r["S"]), np.array(r["a"])
        m = generator(s, a)
        w, v = np.linalg.eig(m)
        f0 = np.zeros(len(s) + 1)
        f0[0] = 1.0
        c = np.linalg.solve(v, f0)
        f = np.real(v @ (np.exp(w * tau) * c))
        f = np.clip(f, 0.0, None)
        out.extend((f / f.sum()).tolist())
    return out


best = float("inf")
for _ in range(args.repeats):
    start = time.thread_time()
    fractions = [solve(c) for c in cases]
    best = min(best, time.thread_time() - start)
print(json.dumps({
    "microseconds_per_point": best / len(cases) * 1e6,
    "numpy_version": np.__version__,
    "fractions": fractions,
}))
