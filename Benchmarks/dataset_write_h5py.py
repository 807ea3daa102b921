#!/usr/bin/env python3
"""Peer side of `perseus bench dataset-write`: h5py writing the same spectra dataset layout.

Same shapes, dtypes, chunking and filters (shuffle + gzip 4) as Perseus's DatasetWriter, written
in batches of --batch rows by resizing the extendible datasets; counts drawn with
numpy.random.Generator.poisson around the same continuum. Prints one JSON object.
"""
import argparse
import json
import os
import resource
import time

parser = argparse.ArgumentParser()
parser.add_argument("--spectra", type=int, default=12000)
parser.add_argument("--channels", type=int, default=2000)
parser.add_argument("--batch", type=int, default=512)
parser.add_argument("--chunk-rows", type=int, default=32)
parser.add_argument("--expected", action="store_true")
parser.add_argument("--directory", default="/tmp")
args = parser.parse_args()

try:
    import numpy as np
    import h5py
except ImportError as error:
    print(json.dumps({"unavailable": f"h5py/numpy not importable: {error}"}))
    raise SystemExit(0)

n, c = args.spectra, args.channels
means = 200 * np.exp(-np.arange(c) / (c / 6)) + 0.5
rng = np.random.default_rng(42)

start = time.perf_counter()
for i in range(0, n, args.batch):
    rng.poisson(means, size=(min(args.batch, n - i), c)).astype(np.int32)
generate = time.perf_counter() - start

path = os.path.join(args.directory, f"h5py-bench-{os.getpid()}.h5")
start = time.perf_counter()
opts = dict(compression="gzip", compression_opts=4, shuffle=True)
with h5py.File(path, "w") as f:
    x = f.create_dataset("spectra", shape=(0, c), maxshape=(None, c), dtype="int32", chunks=(args.chunk_rows, c), **opts)
    e = f.create_dataset("expected", shape=(0, c), maxshape=(None, c), dtype="float32",
                         chunks=(args.chunk_rows, c), **opts) if args.expected else None
    y = f.create_dataset("labels", shape=(0,), maxshape=(None,), dtype="int64", chunks=(32768,), **opts)
    t = f.create_dataset("truth", shape=(0, 4), maxshape=(None, 4), dtype="float64", chunks=(8192, 4), **opts)
    s = f.create_dataset("sample_index", shape=(0,), maxshape=(None,), dtype="int64", chunks=(32768,), **opts)
    for i in range(0, n, args.batch):
        m = min(args.batch, n - i)
        counts = rng.poisson(means, size=(m, c)).astype(np.int32)
        for d in (x, y, t, s) + ((e,) if e is not None else ()):
            d.resize(i + m, axis=0)
        x[i:i + m] = counts
        if e is not None:
            e[i:i + m] = np.broadcast_to(means.astype(np.float32), (m, c))
        idx = np.arange(i, i + m)
        y[i:i + m] = (idx % 10 == 0).astype(np.int64)
        t[i:i + m] = np.array([5, 0.3, 0.05, 0.1])
        s[i:i + m] = idx
total = time.perf_counter() - start
size = os.path.getsize(path)
os.remove(path)
print(json.dumps({
    "generate_seconds": generate, "total_seconds": total, "write_seconds": total - generate,
    "file_mib": size / 1048576, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "h5py_version": h5py.__version__, "hdf5_version": h5py.version.hdf5_version, "numpy_version": np.__version__,
}))
