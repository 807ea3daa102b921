#!/usr/bin/env python3
"""Derive Perseus's compact embedded AtomDB 3.0.9 table from the full APEC FITS tables.

    python3 scripts/derive_atomdb.py [--data ../shared/data] [--out Sources/PerseusData/blobs/atomdb_apec.bin]

Reads atomdb/apec_v3.0.9_line.fits and atomdb/apec_v3.0.9_coco.fits and writes one binary
blob (format below) that Sources/PerseusPhysics/AtomDB/CompactAtomDBDecoder.swift decodes.

What is kept, and why (every loss is bounded against the full tables, see README of the format
in the Swift decoder):
  * temperatures: table rows 9..50 (kT 6.8e-3 .. 86 keV), which bracket every kT the apec
    family accepts (hard limits 0.008-64 keV; nei up to 79.9 keV). Rows 0..8 (kT < 6e-3 keV) are
    never used.
  * lines: EVERY line with E = 12.3984191/Lambda >= 0.09 keV (Lambda <= 137.8 A) is kept
    individually, with its element, ion, upper and lower level indices (AtomDB's UpperLev,
    LowerLev; format version 2) and float32 Lambda and Epsilon exactly as tabulated. One stored
    line is one transition (element, ion, levels, Lambda) with its emissivity at every temperature
    listing it, which is how `nei` follows a line across temperatures (NeiLineExtrapolation).
    Lines below 0.09 keV (EUV/UV; 73% of the table's rows) are folded, flux-conserving, into
    their element's pseudo-continuum at the same temperature on a 1 eV grid (so the integrated
    flux is exact and each line's flux stays within +-1 eV of its energy); lines below the
    first tabulated continuum energy (0.0105 keV) are dropped (outside the tables' continuum
    range; not X-rays).
  * continua (per element, rmJ = 0; this file has no per-ion continua): kept exactly.
  * pseudo-continua: piecewise-linear, kept at their exact float32 nodes, except that nodes
    whose hat-function flux is negligible are zeroed: greedily, smallest first, as long as the
    flux removed within each 1 eV bin stays below PRUNE_BUDGET (1e-4) of the spectrum of the
    element's group (H+He, or all metals at solar abundance) in that bin and its neighbours, at
    that temperature. Since each group's spectrum scales as one, the relative error bound holds
    for any apec abundance. Zero nodes that have zero neighbours on both sides are removed.

The blob is zlib-compressed (flag bit 0 of the header).
"""
import argparse
import hashlib
import os
import struct
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomdb_tables import (Tables, KEV_ANGSTROM, tabulated_spectrum, pwl_bin_integrals,  # noqa: E402
                           line_bins)

FIRST_TEMPERATURE = 9
LINE_ENERGY_CUT = 0.09          # keV: lines below are folded into the pseudo-continuum
FOLD_STEP = 0.001               # keV: grid onto which lines below the cut are folded
PRUNE_BUDGET = 1e-4             # fraction of the local group spectrum that pruning may remove
REFERENCE_BIN = 0.001           # keV: bins on which the pruning budget is accounted
MAGIC = b'PERSEUS-ATOMDB\x00\x00'
FORMAT_VERSION = 2


def varint_deltas(bits):
    """Unsigned LEB128 of the first value and the successive differences (all >= 0)."""
    d = np.diff(np.concatenate([[0], bits.astype(np.int64)]))
    if np.any(d < 0):
        raise ValueError('node energies are not increasing')
    out = bytearray()
    for v in d.tolist():
        while True:
            b = v & 0x7F
            v >>= 7
            if v:
                out.append(b | 0x80)
            else:
                out.append(b)
                break
    return bytes(out)


def byte_planes(a):
    """The bytes of a little-endian 4-byte array regrouped by significance (all first bytes,
    then all second bytes, ...), which zlib compresses better than the interleaved floats."""
    return np.frombuffer(a.tobytes(), dtype=np.uint8).reshape(-1, 4).T.copy().tobytes()


def pwl_sum(curves):
    """Sum of piecewise-linear functions (nodes, values), each zero outside its node range,
    as one function on the union of the nodes (exact)."""
    nodes = np.unique(np.concatenate([c[0] for c in curves]))
    vals = np.zeros(len(nodes))
    for e, v in curves:
        inside = (nodes >= e[0]) & (nodes <= e[-1])
        vals[inside] += np.interp(nodes[inside], e, v)
    return nodes, vals


def hat_areas(e):
    """Integral of each node's hat function (the PWL basis function that is 1 at the node)."""
    n = len(e)
    a = np.zeros(n)
    if n >= 2:
        a[1:-1] = 0.5 * (e[2:] - e[:-2])
        a[0] = 0.5 * (e[1] - e[0])
        a[-1] = 0.5 * (e[-1] - e[-2])
    return a


def fold_lines(E, flux, lo, hi):
    """Fold delta lines (E, flux) into a PWL on a float32-exact regular grid; returns (nodes, values)."""
    start = np.float32(np.floor(lo / FOLD_STEP) * FOLD_STEP)
    n = int(np.ceil((hi - start) / FOLD_STEP)) + 2
    nodes = np.array([np.float32(start + k * FOLD_STEP) for k in range(n)], dtype=np.float64)
    k = np.clip(np.searchsorted(nodes, E, side='right') - 1, 0, n - 2)
    t = (E - nodes[k]) / (nodes[k + 1] - nodes[k])
    mass = np.zeros(n)
    np.add.at(mass, k, flux * (1 - t))
    np.add.at(mass, k + 1, flux * t)
    return nodes, mass / hat_areas(nodes)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(os.path.dirname(root), 'shared', 'data'))
    ap.add_argument('--out', default=os.path.join(root, 'Sources', 'PerseusData', 'blobs', 'atomdb_apec.bin'))
    args = ap.parse_args()
    line_path = os.path.join(args.data, 'atomdb', 'apec_v3.0.9_line.fits')
    coco_path = os.path.join(args.data, 'atomdb', 'apec_v3.0.9_coco.fits')
    t0 = time.time()
    from astropy.io import fits
    ntab = len(fits.getdata(line_path, 'PARAMETERS'))
    indices = list(range(FIRST_TEMPERATURE, ntab))
    T = Tables(line_path, coco_path, indices)
    kelvin = []
    with fits.open(coco_path) as cf:
        for t in indices:
            kelvin.append(float(cf[t + 2].header['TEMPERATURE']))
    print(f'read {len(indices)} temperatures in {time.time() - t0:.1f} s')

    # ---- lines kept individually -------------------------------------------------------
    catalogue = {}   # key -> (lambda bits, Z, ion, {t: eps})
    for ti, t in enumerate(indices):
        L = T.lines[t]
        keep = L['E'] >= LINE_ENERGY_CUT
        lam_bits = L['lam'].view(np.uint32)
        for lb, Z, ion, up, lo, eps in zip(lam_bits[keep].tolist(), L['Z'][keep].tolist(), L['ion'][keep].tolist(),
                                          L['up'][keep].tolist(), L['lo'][keep].tolist(),
                                          L['eps'][keep].astype(np.float32).view(np.uint32).tolist()):
            key = (Z, ion, up, lo, lb)
            rec = catalogue.get(key)
            if rec is None:
                rec = catalogue[key] = {}
            if ti in rec:
                raise ValueError(f'duplicate line {key} at temperature {t}')
            rec[ti] = eps
    keys = sorted(catalogue.keys(), key=lambda k: (k[4], k[0], k[1], k[2], k[3]))
    n_lines = len(keys)
    lam_bits = np.array([k[4] for k in keys], dtype=np.uint32)
    line_Z = np.array([k[0] for k in keys], dtype=np.uint8)
    line_ion = np.array([k[1] for k in keys], dtype=np.uint8)
    line_upper = np.array([k[2] for k in keys], dtype='<u4')
    line_lower = np.array([k[3] for k in keys], dtype='<u4')
    first = np.zeros(n_lines, dtype=np.uint8)
    count = np.zeros(n_lines, dtype=np.uint8)
    eps_chunks = []
    for i, k in enumerate(keys):
        rec = catalogue[k]
        a, b = min(rec), max(rec)
        first[i], count[i] = a, b - a + 1
        eps_chunks.append(np.array([rec.get(ti, 0) for ti in range(a, b + 1)], dtype=np.uint32))
    eps_bits = np.concatenate(eps_chunks)
    print(f'lines kept: {n_lines} ({len(eps_bits)} emissivities)')

    # ---- reference group spectra for the pruning budget -----------------------------------
    ref_edges = np.round(np.arange(0.010, 100.0 + REFERENCE_BIN / 2, REFERENCE_BIN), 6)
    nref = len(ref_edges) - 1
    w_hhe = np.zeros(30)
    w_hhe[:2] = 1
    w_met = np.zeros(30)
    w_met[2:] = 1

    def reference(t, w):
        S = tabulated_spectrum(T, t, ref_edges, w)
        m = S.copy()
        m[1:] = np.minimum(m[1:], S[:-1])
        m[:-1] = np.minimum(m[:-1], S[1:])
        return m

    # ---- continua and pseudo-continua ----------------------------------------------------
    curves = []   # (ti, Z, ion, kind, nodes float64 (float32-exact), values)
    folded_flux = 0.0
    dropped_below = 0.0
    pruned_flux = 0.0
    total_pseudo_flux = 0.0
    pseudo_nodes_before = 0
    for ti, t in enumerate(indices):
        ref = {'h': reference(t, w_hhe), 'm': reference(t, w_met)}
        L = T.lines[t]
        low = L['E'] < LINE_ENERGY_CUT
        cands = []   # per pseudo curve: (Z, nodes, values)
        for (Z, rmj), row in sorted(T.cont[t].items()):
            if rmj != 0:
                raise ValueError('per-ion continua are not expected in the CIE coco file')
            curves.append((ti, Z, 0, 0, row['Ec'], row['Vc']))
            e, v = row['Ep'], row['Vp']
            pseudo_nodes_before += len(e)
            sel = low & (L['Z'] == Z)
            if sel.any() and len(e) >= 2:
                El, fl = L['E'][sel], L['eps'][sel]
                inside = El >= e[0]
                dropped_below += fl[~inside].sum()
                El, fl = El[inside], fl[inside]
                if len(El):
                    folded_flux += fl.sum()
                    fe, fv = fold_lines(El, fl, El.min(), El.max())
                    e, v = pwl_sum([(e, v), (fe, fv)])
            cands.append((Z, np.asarray(e, dtype=np.float64), np.asarray(v, dtype=np.float64)))
            total_pseudo_flux += float(np.sum(v * hat_areas(e)))
        # greedy pruning, shared budget per reference bin across all elements of the temperature
        r_all, b_all, owner = [], [], []
        for ci, (Z, e, v) in enumerate(cands):
            mass = v * hat_areas(e)
            left = np.concatenate([[e[0]], e[:-1]])
            right = np.concatenate([e[1:], [e[-1]]])
            bl = np.clip(np.searchsorted(ref_edges, left, side='right') - 1, 0, nref - 1)
            br = np.clip(np.searchsorted(ref_edges, right, side='left') - 1, 0, nref - 1)
            R = ref['h' if Z <= 2 else 'm']
            refv = np.minimum(R[bl], R[br])
            wide = np.nonzero(br - bl > 1)[0]
            for j in wide:
                refv[j] = R[bl[j]:br[j] + 1].min()
            with np.errstate(divide='ignore', invalid='ignore'):
                ratio = np.where(mass == 0, 0.0, np.where(refv > 0, mass / refv, np.inf))
            r_all.append(ratio)
            b_all.append(bl)
            owner.append(np.full(len(e), ci))
        ratio = np.concatenate(r_all)
        rbin = np.concatenate(b_all)
        owner = np.concatenate(owner)
        local = np.concatenate([np.arange(len(c[1])) for c in cands])
        order = np.lexsort((ratio, rbin))
        rs, bs = ratio[order], rbin[order]
        finite = np.where(np.isfinite(rs), rs, 1e300)
        cs = np.cumsum(finite)
        starts = np.r_[0, np.nonzero(np.diff(bs))[0] + 1]
        group_start = np.repeat(starts, np.diff(np.r_[starts, len(bs)]))
        base = np.where(group_start > 0, cs[np.maximum(group_start - 1, 0)], 0.0)
        prune = (cs - base) <= PRUNE_BUDGET
        pruned = order[prune]
        zero = [np.zeros(len(c[1]), dtype=bool) for c in cands]
        for o, l in zip(owner[pruned].tolist(), local[pruned].tolist()):
            zero[o][l] = True
        for ci, (Z, e, v) in enumerate(cands):
            v = v.copy()
            pruned_flux += float(np.sum(v[zero[ci]] * hat_areas(e)[zero[ci]]))
            v[zero[ci]] = 0.0
            nz = v != 0
            keep = nz.copy()
            keep[1:] |= nz[:-1]
            keep[:-1] |= nz[1:]
            if not keep.any():
                continue
            if keep.sum() == 1:
                continue
            curves.append((ti, Z, 0, 1, e[keep], v[keep]))
    n_pseudo = sum(len(c[4]) for c in curves if c[3] == 1)
    n_cont = sum(len(c[4]) for c in curves if c[3] == 0)
    print(f'pseudo-continuum nodes: {pseudo_nodes_before} -> {n_pseudo}; continuum nodes {n_cont}')
    print(f'folded line flux below {LINE_ENERGY_CUT} keV: {folded_flux:.4g} (dropped below 0.0105 keV: {dropped_below:.3g}); '
          f'pruned pseudo flux {pruned_flux:.4g} of {total_pseudo_flux:.4g} ({pruned_flux / total_pseudo_flux:.2e})')

    # ---- encode ------------------------------------------------------------------------
    kT = T.kT[indices].astype(np.float32)
    body = bytearray()
    body += struct.pack('<III', len(indices), FIRST_TEMPERATURE, 0)
    body += kT.tobytes()
    body += np.array(kelvin, dtype='<f8').tobytes()
    body += struct.pack('<dd', LINE_ENERGY_CUT, KEV_ANGSTROM)
    body += struct.pack('<II', n_lines, len(eps_bits))
    lam_var = varint_deltas(lam_bits)
    body += struct.pack('<I', len(lam_var)) + lam_var
    body += line_Z.tobytes() + line_ion.tobytes() + first.tobytes() + count.tobytes()
    body += byte_planes(line_upper) + byte_planes(line_lower)
    body += byte_planes(eps_bits.astype('<u4'))
    body += struct.pack('<I', len(curves))
    body += np.array([c[0] for c in curves], dtype=np.uint8).tobytes()
    body += np.array([c[1] for c in curves], dtype=np.uint8).tobytes()
    body += np.array([c[2] for c in curves], dtype=np.uint8).tobytes()
    body += np.array([c[3] for c in curves], dtype=np.uint8).tobytes()
    body += np.array([len(c[4]) for c in curves], dtype='<u4').tobytes()
    node_bytes = bytearray()
    vals = []
    for c in curves:
        e32 = c[4].astype(np.float32)
        if not np.all(np.diff(e32.astype(np.float64)) >= 0):
            raise ValueError('curve nodes not increasing after float32 rounding')
        node_bytes += varint_deltas(e32.view(np.uint32))
        vals.append(c[5].astype(np.float32))
    body += struct.pack('<I', len(node_bytes)) + node_bytes
    body += byte_planes(np.concatenate(vals).astype('<f4'))
    body = bytes(body)
    packed = zlib.compress(body, 9)
    header = MAGIC + struct.pack('<IIQQ', FORMAT_VERSION, 1, len(body), len(packed))
    header += hashlib.sha256(body).digest()
    blob = header + packed
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp = args.out + '.tmp'
    with open(tmp, 'wb') as fh:
        fh.write(blob)
    os.replace(tmp, args.out)
    print(f'wrote {args.out}: {len(blob)} bytes (payload {len(body)} bytes before zlib)')


if __name__ == '__main__':
    main()
