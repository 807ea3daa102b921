#!/usr/bin/env python3
"""Peer side of `perseus bench rmf`: the same RMF read with astropy, and folded with scipy.

Reading: astropy opens the file and every row's F_CHAN/N_CHAN/MATRIX cell is gathered into flat
channel-index and value arrays (what any sparse reader must do; no validation). Folding: the
same matrix as a scipy.sparse CSR matrix (channels × energies), `M @ photons`, scipy's
fastest sparse matrix-vector product. Prints one JSON object, or {"unavailable": reason}.
"""
import argparse
import json
import time

parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--folds", type=int, default=20)
args = parser.parse_args()

try:
    import numpy as np
    import astropy
    import scipy
    import scipy.sparse
    from astropy.io import fits
except ImportError as error:
    print(json.dumps({"unavailable": f"astropy/numpy/scipy not importable: {error}"}))
    raise SystemExit(0)


def read(path):
    with fits.open(path, memmap=False) as h:
        names = [x.name for x in h]
        m = h["MATRIX"] if "MATRIX" in names else h["SPECRESP MATRIX"]
        first = int(m.header.get("TLMIN%d" % (m.columns.names.index("F_CHAN") + 1), 1))
        detchans = int(m.header["DETCHANS"])
        d = m.data
        ngrp = np.asarray(d["N_GRP"])
        fchan, nchan, mat = d["F_CHAN"], d["N_CHAN"], d["MATRIX"]
        rows, cols, vals = [], [], []
        for i in range(len(d)):
            f = np.atleast_1d(fchan[i]); n = np.atleast_1d(nchan[i]); v = np.atleast_1d(mat[i])
            used = 0
            for g in range(int(ngrp[i])):
                k = int(n[g])
                cols.append(np.arange(int(f[g]) - first, int(f[g]) - first + k))
                vals.append(v[used:used + k]); rows.append(np.full(k, i)); used += k
        return (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals).astype(np.float32), len(d), detchans)


best_read = float("inf")
for _ in range(args.repeats):
    start = time.perf_counter()
    r, c, v, energies, channels = read(args.file)
    best_read = min(best_read, time.perf_counter() - start)

# channels × energies in CSR: the layout in which scipy's matrix-vector product is fastest
matrix = scipy.sparse.csr_matrix((v, (c, r)), shape=(channels, energies))
photons = 1 + 0.25 * (np.arange(energies) % 7)
best_fold = float("inf")
for _ in range(args.repeats):
    start = time.perf_counter()
    for _ in range(args.folds):
        counts = matrix @ photons
    best_fold = min(best_fold, (time.perf_counter() - start) / args.folds)
print(json.dumps({"read_seconds": best_read, "fold_seconds": best_fold, "nonzero": int(np.count_nonzero(v)),
                  "astropy_version": astropy.__version__, "scipy_version": scipy.__version__}))
