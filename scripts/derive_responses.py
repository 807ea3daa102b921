#!/usr/bin/env python3
"""Derive the compact built-in responses of Perseus's instruments from the real CALDB files.

Reads ../shared/data/responses (see its README for the sources) and writes one compact response
file per instrument into Responses/, which Perseus embeds with .incbin (Sources/PerseusData/
responses.S) and decodes in Sources/PerseusInstruments/Response/CompactResponse.swift:

  hitomi-sxs.response      Hitomi SXS flight RMF ah100040030_sxs_cl2_HP_small.rmf (32768 x 32768,
                           0.5 eV) + the point-source ARF hitomi_sxs.arf on the same grid (gate valve
                           open: the nominal instrument; the flight ARF ah100040030sxs_p0px1010_ptsrc.arf
                           of the Perseus observation has the valve closed). Every row of this RMF is the
                           same line-spread function (Gaussian core plus low-energy exponential tail,
                           sxsrmf 'M' grade) centred on the row's own channel, so the matrix is stored
                           as a table of normalised LSF profiles at a few dozen knot energies, chosen
                           adaptively so that linear interpolation between consecutive knots reproduces
                           every row within PROFILE_TOLERANCE of its peak; each row keeps its exact sum.
  nustar-fpma.response     NuSTAR FPMA CALDB RMF nustar_fpma.rmf (4096 x 4096, 0.04 keV) + the point-source
                           ARF nustar_fpma.arf. Its rows are Monte-Carlo products (photopeak, Cd/Te escape
                           peaks, a low-energy tail reaching channel 0) with ~0.3% element-to-element
                           noise, so they are not smooth from row to row; each row (restricted to the
                           stored channels) is stored as a polyline: the fewest channels (Ramer-Douglas-
                           Peucker) such that linear interpolation between them stays within
                           the tolerance of POLYLINE_TOLERANCES of every element.
  chandra-acis-i.response  Chandra ACIS-I aimpoint cycle 19 RMF/ARF (1024 x 1024), polyline as NuSTAR.
  xrism-resolve.response   XRISM Resolve ARF (gate valve open), no RMF: the RMF is generated at run time
                           (a Gaussian of 5 eV FWHM, declared in Responses/xrism-resolve.yaml).

Only the channels of each instrument's supported range (CHANNEL_RANGES, keV) are stored, and the energy
rows that reach them. Matrix values are stored as 16-bit logarithmic codes: code 0 is 0, code k >= 1 is
2^((k - 65535) / 2048), i.e. values from 2.3e-10 to 1 with a relative step of 3.4e-4 (largest rounding
error 1.7e-4). Energies, channel bounds, ARFs and row sums are float32 (as in the FITS files: exact).

Validation (printed): the compact response, decoded exactly as Perseus decodes it, is folded against the
real one for power laws and line-rich thermal proxies (the Swift test suite repeats the check with the
real tbabs*apec); channels are grouped from the band's low end until each group has >= 1000 counts and
the largest relative deviation of a group sum is reported.

File layout (little endian):
  char[4] "PRSP"; u32 version (1); u32 kind (0 ARF only, 1 polyline, 2 profile)
  u32 nE; u32 nC; i32 firstChannel (channel number of stored channel index 0); u32 flags (bit 0: ARF)
  f32[nE] ENERG_LO; f32[nE] ENERG_HI
  f32[nC] E_MIN; f32[nC] E_MAX
  f32[nE] SPECRESP (if flags bit 0)
  kind 1 (polyline): u32[nE] knot count per row; u32 byte length L of the knot stream; then for every
       knot, row after row: the channel index as LEB128 varint (first knot of a row: its index; later
       knots: the difference from the previous knot) and the value code as u16. Between consecutive
       knots (c0, v0), (c1, v1) of a row, channel c has v0 + (v1 - v0) (c - c0) / (c1 - c0) (computed
       in double, stored as float32); channels outside a row's first..last knot are 0.
  kind 2 (profile): i32 shift (channel index of row r's centre = r + shift); i32 dlo (first offset);
       u32 W (profile width); u32 nK; u32[nK] knot rows; f32[nE] row sums; u16[nK * W] profile codes.
       Row r between knots a <= r <= b: P_r = (1 - w) P_a + w P_b, w = (r - a) / (b - a), and channel
       index r + shift + dlo + j holds rowsum_r * P_r[j] (profiles are normalised to unit sum).

Usage: python3 scripts/derive_responses.py [--data DIR] [--output DIR] [--skip-validation]
"""

import argparse
import pathlib
import struct
import sys
import time

import numpy as np
import scipy.sparse as sparse
from astropy.io import fits

# Supported channel ranges [keV] stored for each instrument (a band chosen at run time must lie
# inside). Channels are kept when their [E_MIN, E_MAX] lies within the range.
CHANNEL_RANGES = {
    "hitomi-sxs": (0.3, 12.0),
    "nustar-fpma": (3.0, 80.0),
    "chandra-acis-i": (0.3, 11.0),
    "xrism-resolve": (0.3, 12.0),
}
# Default bands and binnings used by the validation (they match the instrument files).
VALIDATION = {
    "hitomi-sxs": dict(band=(1.8, 9.0), binning=2, exposure=1e5),
    "nustar-fpma": dict(band=(3.0, 80.0), binning=1, exposure=1e6),
    "chandra-acis-i": dict(band=(0.5, 7.0), binning=1, exposure=1e5),
}
# Polyline tolerances per instrument: (absolute, as a fraction of the row's maximum; relative, as a
# fraction of the element). NuSTAR's rows carry Monte-Carlo noise of ~0.3% of their peak, so a tight
# relative tolerance would keep nearly every noisy tail element; ACIS's rows are smooth, and their long
# low-energy tails add up coherently over hundreds of rows, so they need the relative bound.
POLYLINE_TOLERANCES = {"nustar-fpma": (1.5e-4, 0.0), "chandra-acis-i": (1e-6, 2e-3)}
PROFILE_TOLERANCE = 1e-4
LOG_STEPS = 2048.0


def encode_values(values):
    """16-bit logarithmic codes of values in [0, 1]."""
    v = np.asarray(values, dtype=np.float64)
    if np.any(v < 0) or np.any(v > 1 + 1e-6):
        raise ValueError("matrix values must lie in [0, 1] for the logarithmic code")
    codes = np.zeros(v.shape, dtype=np.uint16)
    positive = v > 0
    k = np.rint(np.log2(np.minimum(v[positive], 1.0)) * LOG_STEPS + 65535.0)
    codes[positive] = np.clip(k, 0, 65535).astype(np.uint16)
    return codes


def decode_values(codes):
    c = np.asarray(codes, dtype=np.float64)
    return np.where(c > 0, np.exp2((c - 65535.0) / LOG_STEPS), 0.0)


def read_rmf(path):
    """The matrix as CSR (float64 of the stored float32), energies, channel bounds, first channel."""
    with fits.open(path) as hdus:
        matrix = next(h for h in hdus if h.name in ("MATRIX", "SPECRESP MATRIX"))
        bounds = hdus["EBOUNDS"].data
        table = matrix.data
        nchan = int(matrix.header["DETCHANS"])
        fcol = matrix.columns.names.index("F_CHAN") + 1
        first = int(matrix.header.get("TLMIN%d" % fcol, 1))
        rows, cols, vals = [], [], []
        for i in range(len(table)):
            groups = int(table["N_GRP"][i])
            fchan = np.atleast_1d(table["F_CHAN"][i])
            nch = np.atleast_1d(table["N_CHAN"][i])
            mat = np.atleast_1d(table["MATRIX"][i])
            offset = 0
            for g in range(groups):
                f, n = int(fchan[g]) - first, int(nch[g])
                if n == 0:
                    continue
                vals.append(np.asarray(mat[offset:offset + n], dtype=np.float64))
                cols.append(np.arange(f, f + n))
                rows.append(np.full(n, i))
                offset += n
        m = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(len(table), nchan))
        m.sort_indices()
        return dict(matrix=m,
                    elo=np.asarray(table["ENERG_LO"], dtype=np.float32),
                    ehi=np.asarray(table["ENERG_HI"], dtype=np.float32),
                    emin=np.asarray(bounds["E_MIN"], dtype=np.float32),
                    emax=np.asarray(bounds["E_MAX"], dtype=np.float32),
                    first=first)


def read_arf(path):
    with fits.open(path) as hdus:
        a = hdus["SPECRESP"].data
        return (np.asarray(a["ENERG_LO"], dtype=np.float32), np.asarray(a["ENERG_HI"], dtype=np.float32),
                np.asarray(a["SPECRESP"], dtype=np.float32))


def channel_selection(emin, emax, low, high):
    """Indices of channels whose [E_MIN, E_MAX] lies within [low, high] (float32 tolerance)."""
    tol = 1e-6 * max(1.0, high)
    keep = np.nonzero((emin.astype(np.float64) >= low - tol) & (emax.astype(np.float64) <= high + tol))[0]
    return keep[0], keep[-1] + 1


def rdp(y, tolerance):
    """Indices of a few points (Ramer-Douglas-Peucker) whose polyline stays within tolerance[i] of
    every y[i]."""
    n = len(y)
    if n <= 2:
        return np.arange(n)
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        t = np.arange(1, b - a) / (b - a)
        line = y[a] + (y[b] - y[a]) * t
        err = np.abs(y[a + 1:b] - line) - tolerance[a + 1:b]
        j = int(np.argmax(err))
        if err[j] > 0:
            m = a + 1 + j
            keep[m] = True
            stack.append((a, m))
            stack.append((m, b))
    return np.nonzero(keep)[0]


def varint(value, out):
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def header(kind, elo, ehi, emin, emax, first, arf):
    flags = 1 if arf is not None else 0
    parts = [b"PRSP", struct.pack("<IIIIiI", 1, kind, len(elo), len(emin), first, flags),
             elo.astype("<f4").tobytes(), ehi.astype("<f4").tobytes(),
             emin.astype("<f4").tobytes(), emax.astype("<f4").tobytes()]
    if arf is not None:
        parts.append(np.asarray(arf, dtype="<f4").tobytes())
    return b"".join(parts)


def encode_polyline(m, rows, c0, c1, absolute, relative):
    """Polyline knots of each row restricted to channels [c0, c1), within max(absolute x the row's
    maximum over all channels, relative x the element) of every element; returns (counts, stream,
    decoded csr)."""
    counts = np.zeros(len(rows), dtype=np.uint32)
    stream = bytearray()
    dec_rows, dec_cols, dec_vals = [], [], []
    for k, r in enumerate(rows):
        start, end = m.indptr[r], m.indptr[r + 1]
        cols = m.indices[start:end]
        vals = m.data[start:end]
        row_max = vals.max() if len(vals) else 0.0
        inside = (cols >= c0) & (cols < c1) & (vals > 0)
        cols, vals = cols[inside] - c0, vals[inside]
        if len(cols) == 0:
            continue
        lo, hi = int(cols[0]), int(cols[-1])
        y = np.zeros(hi - lo + 1)
        y[cols - lo] = vals
        base = lo
        # A row that ends inside the stored channels falls to zero there: include that zero so the
        # polyline does too (its knot sits on a channel that holds 0).
        if lo > 0:
            y = np.concatenate([[0.0], y]); base = lo - 1
        if hi < c1 - c0 - 1:
            y = np.concatenate([y, [0.0]])
        knots = rdp(y, np.maximum(absolute * row_max, relative * y))
        codes = encode_values(y[knots])
        kv = decode_values(codes)
        channels = base + knots
        counts[k] = len(knots)
        previous = None
        for c, code in zip(channels, codes):
            varint(int(c) if previous is None else int(c - previous), stream)
            stream += struct.pack("<H", int(code))
            previous = c
        # Decode exactly as Perseus does: double interpolation, stored as float32.
        full = np.arange(channels[0], channels[-1] + 1)
        q = np.interp(full, channels, kv).astype(np.float32).astype(np.float64)
        nz = q > 0
        dec_rows.append(np.full(nz.sum(), k)); dec_cols.append(full[nz]); dec_vals.append(q[nz])
    decoded = sparse.csr_matrix((np.concatenate(dec_vals), (np.concatenate(dec_rows), np.concatenate(dec_cols))),
                                shape=(len(rows), c1 - c0))
    return counts, bytes(stream), decoded


def offset_profiles(m, rows, shift, dlo, width):
    """P[k, j] = M[r, r + shift + dlo + j] for r = rows[k] (over all channels of m)."""
    out = np.zeros((len(rows), width))
    for k, r in enumerate(rows):
        start, end = m.indptr[r], m.indptr[r + 1]
        j = m.indices[start:end] - (r + shift + dlo)
        ok = (j >= 0) & (j < width)
        out[k, j[ok]] = m.data[start:end][ok]
    return out


def select_profile_knots(normalised, tolerance):
    """Knot rows such that linear interpolation of normalised profiles between consecutive knots
    reproduces every row within tolerance x its maximum."""
    n = len(normalised)
    peak = normalised.max(axis=1)
    peak[peak == 0] = 1

    def fits_between(a, b):
        for i in range(a + 1, b):
            w = (i - a) / (b - a)
            q = (1 - w) * normalised[a] + w * normalised[b]
            if np.abs(q - normalised[i]).max() > tolerance * peak[i]:
                return False
        return True

    knots, a = [0], 0
    while a < n - 1:
        step = 1
        while a + 2 * step <= n - 1 and fits_between(a, a + 2 * step):
            step *= 2
        low, high = a + step, min(n - 1, a + 2 * step)
        while low < high:
            mid = (low + high + 1) // 2
            if fits_between(a, mid):
                low = mid
            else:
                high = mid - 1
        knots.append(low)
        a = low
    return np.array(knots)


def encode_profile(m, rows, c0, c1, shift, tolerance):
    """Profile encoding of rows (aligned grids: row r is centred on channel r + shift)."""
    # Offsets reached by any row.
    lows, highs = [], []
    for r in rows:
        start, end = m.indptr[r], m.indptr[r + 1]
        if end > start:
            lows.append(m.indices[start] - r - shift)
            highs.append(m.indices[end - 1] - r - shift)
    dlo, dhi = min(lows), max(highs)
    width = dhi - dlo + 1
    profiles = offset_profiles(m, rows, shift, dlo, width)
    sums = profiles.sum(axis=1).astype(np.float32)
    safe = np.where(sums > 0, sums, 1).astype(np.float64)
    normalised = profiles / safe[:, None]
    knots = select_profile_knots(normalised, tolerance)
    codes = encode_values(normalised[knots])
    table = decode_values(codes)
    # Decode exactly as Perseus does.
    dec_rows, dec_cols, dec_vals = [], [], []
    for i in range(len(rows)):
        s = min(int(np.searchsorted(knots, i, side="right")) - 1, len(knots) - 2)
        a, b = knots[s], knots[s + 1]
        w = (i - a) / (b - a)
        p = ((1 - w) * table[s] + w * table[s + 1]) * float(sums[i])
        p = p.astype(np.float32).astype(np.float64)
        if True:
            ch = rows[i] + shift + dlo + np.arange(width) - c0
            ok = (ch >= 0) & (ch < c1 - c0) & (p > 0)
            dec_rows.append(np.full(ok.sum(), i)); dec_cols.append(ch[ok]); dec_vals.append(p[ok])
    decoded = sparse.csr_matrix((np.concatenate(dec_vals), (np.concatenate(dec_rows), np.concatenate(dec_cols))),
                                shape=(len(rows), c1 - c0))
    # In the file, rows and channels are numbered from the first stored ones: stored row i is centred
    # on stored channel i + (rows[0] + shift - c0).
    body = struct.pack("<iiII", int(rows[0]) + shift - c0, dlo, width, len(knots)) + knots.astype("<u4").tobytes() \
        + sums.astype("<f4").tobytes() + codes.astype("<u2").tobytes()
    return body, decoded, knots


def contributing_rows(m, c0, c1, area=None):
    """Rows with a non-zero element in channels [c0, c1) (and non-zero area when given), as a
    contiguous range from the first to the last such row."""
    sub = m[:, c0:c1]
    reach = np.asarray((sub != 0).sum(axis=1)).ravel() > 0
    if area is not None:
        reach &= area > 0
    idx = np.nonzero(reach)[0]
    return np.arange(idx[0], idx[-1] + 1)


# ---------------------------------------------------------------- validation

def powerlaw(lo, hi, index, norm):
    lo = np.maximum(lo.astype(np.float64), 1e-6); hi = hi.astype(np.float64)
    return norm * (hi ** (1 - index) - lo ** (1 - index)) / (1 - index)


def thermal_proxy(lo, hi, kT, norm, seed):
    """A line-rich stand-in for a thermal plasma: E^-1.2 exp(-E/kT) continuum plus 300 narrow lines."""
    lo = lo.astype(np.float64); hi = hi.astype(np.float64)
    e = 0.5 * (lo + hi)
    flux = norm * np.maximum(e, 1e-3) ** -1.2 * np.exp(-e / kT) * (hi - lo)
    rng = np.random.default_rng(seed)
    for energy in list(rng.uniform(0.3, 12.0, 300)) + [1.02, 1.35, 1.47, 1.86, 2.01, 2.45, 2.62, 3.13, 3.9, 6.4,
                                                       6.7, 6.97, 7.88, 8.2]:
        i = np.searchsorted(hi, energy)
        if i < len(lo) and lo[i] <= energy:
            flux[i] += norm * 0.05 * np.exp(-energy / kT) / energy * rng.uniform(0.2, 5)
    return flux


def grouped_deviation(true_counts, approx_counts, minimum=1000.0):
    edges, total = [0], 0.0
    for i, c in enumerate(true_counts):
        total += c
        if total >= minimum:
            edges.append(i + 1)
            total = 0.0
    if edges[-1] != len(true_counts):
        # The remainder (< minimum counts) joins the last full group.
        if len(edges) > 1:
            edges[-1] = len(true_counts)
        else:
            edges.append(len(true_counts))
    edges = np.array(edges)
    a = np.add.reduceat(true_counts, edges[:-1])
    b = np.add.reduceat(approx_counts, edges[:-1])
    return np.max(np.abs(b / a - 1)), len(a)


def validate(name, real, rows, decoded, arf_rows, c0, c1, emin, emax, first):
    spec = VALIDATION[name]
    lo, hi = real["elo"][rows], real["ehi"][rows]
    b0, b1 = channel_selection(emin[c0:c1], emax[c0:c1], *spec["band"])
    binning = spec["binning"]
    numbers = first + c0 + np.arange(b0, b1)
    start = b0 + ((-numbers[0]) % binning)
    usable = (b1 - start) // binning * binning
    sel = np.arange(start, start + usable)
    true = real["matrix"][rows][:, c0:c1]
    results = []
    # Normalisations give ~1e5-1e7 counts in the band at the default exposure.
    tests = [("powerlaw 1.8", powerlaw(lo, hi, 1.8, 1e-2)), ("powerlaw 2.5", powerlaw(lo, hi, 2.5, 1e-2))]
    tests += [("thermal kT=%g" % kT, thermal_proxy(lo, hi, kT, 0.3, seed)) for seed, kT in enumerate((1, 4, 8))]
    worst = 0.0
    for label, flux in tests:
        w = flux * arf_rows * spec["exposure"]
        a = true.T.dot(w)[sel].reshape(-1, binning).sum(axis=1)
        b = decoded.T.dot(w)[sel].reshape(-1, binning).sum(axis=1)
        dev, groups = grouped_deviation(a, b)
        worst = max(worst, dev)
        results.append("%s %.3f%% (%d groups)" % (label, 100 * dev, groups))
    print("  validation over %.1f-%.1f keV: %s" % (spec["band"][0], spec["band"][1], "; ".join(results)))
    return worst


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(root.parent / "shared" / "data" / "responses"))
    parser.add_argument("--output", default=str(root / "Responses"))
    parser.add_argument("--skip-validation", action="store_true")
    args = parser.parse_args()
    data = pathlib.Path(args.data)
    out = pathlib.Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    # Hitomi SXS: profile encoding.
    t = time.time()
    real = read_rmf(data / "hitomi" / "ah100040030_sxs_cl2_HP_small.rmf")
    alo, ahi, area = read_arf(data / "hitomi" / "hitomi_sxs.arf")
    assert np.allclose(alo, real["elo"]) and np.allclose(ahi, real["ehi"]), "Hitomi flight RMF/ARF grids differ"
    c0, c1 = channel_selection(real["emin"], real["emax"], *CHANNEL_RANGES["hitomi-sxs"])
    rows = contributing_rows(real["matrix"], c0, c1, area)
    body, decoded, knots = encode_profile(real["matrix"], rows, c0, c1, shift=0, tolerance=PROFILE_TOLERANCE)
    blob = header(2, real["elo"][rows], real["ehi"][rows], real["emin"][c0:c1], real["emax"][c0:c1],
                  real["first"] + c0, area[rows]) + body
    (out / "hitomi-sxs.response").write_bytes(blob)
    print("hitomi-sxs: rows %d (%.4f-%.4f keV), channels %d-%d, %d profile knots, %d bytes (%.1f s)"
          % (len(rows), real["elo"][rows[0]], real["ehi"][rows[-1]], real["first"] + c0, real["first"] + c1 - 1,
             len(knots), len(blob), time.time() - t))
    if not args.skip_validation:
        validate("hitomi-sxs", real, rows, decoded, area[rows].astype(np.float64), c0, c1, real["emin"], real["emax"],
                 real["first"])

    # NuSTAR FPMA and Chandra ACIS-I: polyline encoding.
    for name, rmf, arf, keep_all_rows in (
            ("nustar-fpma", data / "nustar" / "nustar_fpma.rmf", data / "nustar" / "nustar_fpma.arf", True),
            ("chandra-acis-i", data / "chandra" / "acisi_aimpt_cy19.rmf", data / "chandra" / "acisi_aimpt_cy19.arf", False)):
        t = time.time()
        real = read_rmf(rmf)
        alo, ahi, area = read_arf(arf)
        assert np.allclose(alo, real["elo"], rtol=1e-5) and np.allclose(ahi, real["ehi"], rtol=1e-5), name
        c0, c1 = channel_selection(real["emin"], real["emax"], *CHANNEL_RANGES[name])
        # NuSTAR keeps every row that reaches the channels, whatever the point-source ARF says: the
        # background components (instrumental lines up to 145 keV) fold through the RMF alone.
        rows = contributing_rows(real["matrix"], c0, c1, None if keep_all_rows else area)
        counts, stream, decoded = encode_polyline(real["matrix"], rows, c0, c1, *POLYLINE_TOLERANCES[name])
        blob = header(1, real["elo"][rows], real["ehi"][rows], real["emin"][c0:c1], real["emax"][c0:c1],
                      real["first"] + c0, area[rows]) \
            + counts.astype("<u4").tobytes() + struct.pack("<I", len(stream)) + stream
        (out / ("%s.response" % name)).write_bytes(blob)
        print("%s: rows %d (%.4f-%.4f keV), channels %d-%d, %d knots for %d stored elements, %d bytes (%.1f s)"
              % (name, len(rows), real["elo"][rows[0]], real["ehi"][rows[-1]], real["first"] + c0,
                 real["first"] + c1 - 1, int(counts.sum()), real["matrix"][rows][:, c0:c1].nnz, len(blob),
                 time.time() - t))
        if not args.skip_validation:
            validate(name, real, rows, decoded, area[rows].astype(np.float64), c0, c1, real["emin"], real["emax"],
                     real["first"])

    # XRISM Resolve: ARF only (rows that can reach the channel range through a 5 eV Gaussian).
    alo, ahi, area = read_arf(data / "xrism" / "resolve_pnt_heasim_noGV_20190701.arf")
    low, high = CHANNEL_RANGES["xrism-resolve"]
    margin = 0.05   # keV: far beyond the 6-sigma reach of a 5 eV FWHM Gaussian
    rows = np.nonzero((ahi.astype(np.float64) > low - margin) & (alo.astype(np.float64) < high + margin))[0]
    blob = header(0, alo[rows], ahi[rows], np.zeros(0, np.float32), np.zeros(0, np.float32), 0, area[rows])
    (out / "xrism-resolve.response").write_bytes(blob)
    print("xrism-resolve: ARF rows %d (%.4f-%.4f keV), %d bytes" % (len(rows), alo[rows[0]], ahi[rows[-1]], len(blob)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
