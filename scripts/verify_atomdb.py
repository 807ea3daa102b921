#!/usr/bin/env python3
"""Check a compact AtomDB blob against the full AtomDB 3.0.9 tables.

    python3 scripts/verify_atomdb.py [--data ../shared/data] [--blob Sources/PerseusData/blobs/atomdb_apec.bin]
                                     [--swift-spectra FILE]

Criterion (the project's acceptance test for the compact table): apec spectra on 1 eV bins over
0.1-100 keV, for kT in {0.1, 0.3, 1, 3, 8, 20, 60} keV, abundance in {0.3, 1}, z in {0, 0.1},
must agree with the full tables to <= 0.1% in every bin holding >= 1e-4 of the peak bin.

Without --swift-spectra the blob is decoded in Python (compact_atomdb.py). With it, FILE holds
the spectra computed by the Swift library from the embedded table (float64, in the order of the
cases printed), as written by the Swift test AtomDBCompactTableTests; the script then compares
those. Prints one line per case and a final JSON summary.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomdb_tables import Tables, apec_spectrum, apec_abundances  # noqa: E402

KT = [0.1, 0.3, 1.0, 3.0, 8.0, 20.0, 60.0]
ABUND = [0.3, 1.0]
Z = [0.0, 0.1]


def cases():
    return [(kT, a, z) for kT in KT for a in ABUND for z in Z]


def edges():
    return np.round(np.arange(0.1, 100.0 + 5e-4, 0.001), 6)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(os.path.dirname(root), 'shared', 'data'))
    ap.add_argument('--blob', default=os.path.join(root, 'Sources', 'PerseusData', 'blobs', 'atomdb_apec.bin'))
    ap.add_argument('--swift-spectra', default=None)
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args()
    full = Tables(os.path.join(args.data, 'atomdb', 'apec_v3.0.9_line.fits'),
                  os.path.join(args.data, 'atomdb', 'apec_v3.0.9_coco.fits'), range(9, 51))
    ed = edges()
    nb = len(ed) - 1
    if args.swift_spectra:
        swift = np.fromfile(args.swift_spectra, dtype='<f8').reshape(-1, nb)
        compact = None
    else:
        from compact_atomdb import CompactTable
        compact = CompactTable(args.blob)
    worst = 0.0
    worst_case = None
    results = []
    for i, (kT, a, z) in enumerate(cases()):
        ab = apec_abundances(a)
        ref = apec_spectrum(full, ed, kT, ab, z)
        got = swift[i] if compact is None else compact.apec_spectrum(ed, kT, ab, z)
        peak = ref.max()
        m = ref >= 1e-4 * peak
        dev = np.abs(got[m] - ref[m]) / ref[m]
        j = int(np.argmax(dev))
        w = float(dev[j])
        e_at = float(ed[:-1][m][j])
        total = abs(got.sum() / ref.sum() - 1)
        results.append(dict(kT=kT, abundance=a, z=z, counted_bins=int(m.sum()), worst=w, at_keV=e_at,
                            total_flux_deviation=total))
        if not args.quiet:
            print(f'kT={kT:5g} A={a:3g} z={z:3g}: {int(m.sum()):6d} bins >= 1e-4 peak, worst {w:.3e} at {e_at:.3f} keV, '
                  f'total flux {total:.2e}')
        if w > worst:
            worst, worst_case = w, (kT, a, z, e_at)
    summary = dict(worst=worst, worst_case=worst_case, passed=worst <= 1e-3,
                   blob_bytes=os.path.getsize(args.blob))
    print(json.dumps(summary))
    return 0 if worst <= 1e-3 else 1


if __name__ == '__main__':
    sys.exit(main())
