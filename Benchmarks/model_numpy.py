#!/usr/bin/env python3
"""Peer side of `perseus bench models`: NumPy computing the tbabs factor exp(-nH * sigma_bar) on
the same 7200 precomputed bin-averaged cross sections, nH varied between calls as in Perseus.

Prints one JSON object: microseconds per evaluation, the median over --repeats timings as wall
clock (perf_counter) and as this thread's CPU time (thread_time), as the Swift side measures;
or {"unavailable": reason}.
"""
import argparse
import json
import statistics
import time

parser = argparse.ArgumentParser()
parser.add_argument("--sigma", required=True, help="JSON file with the bin-averaged cross sections")
parser.add_argument("--evaluations", type=int, default=1000)
parser.add_argument("--repeats", type=int, default=5)
args = parser.parse_args()

try:
    import numpy as np
except ImportError as error:  # reported, not raised: the Swift side says the peer is missing
    print(json.dumps({"unavailable": f"numpy not importable: {error}"}))
    raise SystemExit(0)

with open(args.sigma) as handle:
    sigma = np.array(json.load(handle), dtype=float)
out = np.empty_like(sigma)
walls, cpus = [], []
for _ in range(args.repeats):
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    for k in range(args.evaluations):
        nh = 0.138 * (1 + 1e-6 * (k % 64))
        np.multiply(sigma, -nh, out=out)
        np.exp(out, out=out)
    cpus.append(time.thread_time() - cpu0)
    walls.append(time.perf_counter() - wall0)
print(json.dumps({
    "microseconds_per_evaluation": statistics.median(walls) / args.evaluations * 1e6,
    "cpu_microseconds_per_evaluation": statistics.median(cpus) / args.evaluations * 1e6,
    "bins": int(sigma.size),
    "numpy_version": np.__version__,
}))
