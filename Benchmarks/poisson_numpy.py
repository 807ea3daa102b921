#!/usr/bin/env python3
"""Peer side of `perseus bench poisson`: numpy.random.Generator.poisson on the same spectrum.

Prints one JSON object: draws per second (best of --repeats), or {"unavailable": reason}.
"""
import argparse
import json
import time

parser = argparse.ArgumentParser()
parser.add_argument("--channels", type=int, default=2000)
parser.add_argument("--spectra", type=int, default=2000)
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()

try:
    import numpy as np
except ImportError as error:  # reported, not raised: the Swift side says the peer is missing
    print(json.dumps({"unavailable": f"numpy not importable: {error}"}))
    raise SystemExit(0)

means = 0.1 * np.power(1e5, np.arange(args.channels) / (args.channels - 1))
rng = np.random.default_rng(42)
best = float("inf")
for _ in range(args.repeats):
    start = time.perf_counter()
    for _ in range(args.spectra):
        rng.poisson(means)
    best = min(best, time.perf_counter() - start)
print(json.dumps({
    "draws_per_second": args.channels * args.spectra / best,
    "seconds": best,
    "numpy_version": np.__version__,
}))
