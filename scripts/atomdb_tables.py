"""Reading the AtomDB 3.0.9 APEC tables and computing reference apec spectra (numpy/astropy).

Used by scripts/derive_atomdb.py (to build and check the compact table) and
scripts/verify_atomdb.py (to check the Swift decoder against the full tables).

The spectrum follows XSPEC's apec conventions (documented in the Swift `Apec` type):
  * line energy E = 12.3984191 / Lambda [keV] (XSPEC's KEVTOA);
  * lines are delta functions added to the bin lo < E_src <= hi of the source-frame grid
    E_src = E_obs (1 + z);
  * continuum and pseudo-continuum are piecewise linear between their tabulated points and
    integrated exactly over each bin; zero outside the first..last tabulated point;
  * the spectra of the two bracketing tabulated temperatures are combined with weights linear
    in kT;
  * element Z is weighted by abundance[Z] * table[Z] / angr[Z];
  * the result is multiplied by norm * 1e14 / (1 + z).
"""
import numpy as np
from astropy.io import fits

KEV_ANGSTROM = 12.3984191  # XSPEC's KEVTOA


class Tables:
    """The full AtomDB line and continuum tables, per temperature index."""

    def __init__(self, line_path, coco_path, indices=None):
        lf = fits.open(line_path, memmap=True)
        cf = fits.open(coco_path, memmap=True)
        self.kT = np.array(lf['PARAMETERS'].data['kT'], dtype=np.float64)
        kc = np.array(cf['PARAMETERS'].data['kT'], dtype=np.float64)
        if not np.array_equal(self.kT, kc):
            raise ValueError('line and coco tables have different temperatures')
        n = len(self.kT)
        self.indices = list(range(n)) if indices is None else list(indices)
        self.lines = {}
        self.cont = {}
        for t in self.indices:
            d = lf[t + 2].data
            lam = np.array(d['Lambda'], dtype=np.float64)
            self.lines[t] = dict(
                lam=np.array(d['Lambda'], dtype=np.float32),
                E=KEV_ANGSTROM / lam,
                eps=np.array(d['Epsilon'], dtype=np.float64),
                Z=np.array(d['Element'], dtype=np.int64),
                ion=np.array(d['Ion'], dtype=np.int64),
                up=np.array(d['UpperLev'], dtype=np.int64),
                lo=np.array(d['LowerLev'], dtype=np.int64),
            )
            c = cf[t + 2].data
            rows = {}
            for r in c:
                nc, npd = int(r['N_Cont']), int(r['N_Pseudo'])
                rows[(int(r['Z']), int(r['rmJ']))] = dict(
                    Ec=np.array(r['E_Cont'][:nc], dtype=np.float64),
                    Vc=np.array(r['Continuum'][:nc], dtype=np.float64),
                    Ep=np.array(r['E_Pseudo'][:npd], dtype=np.float64),
                    Vp=np.array(r['Pseudo'][:npd], dtype=np.float64),
                )
            self.cont[t] = rows


def read_abundances(path):
    """XSPEC abundance tables from abundances.dat: {name: array of 30 (Z = 1..30)}."""
    with open(path) as fh:
        header = fh.readline().split()
        names = [h.lower() for h in header[1:]]
        values = {n: [] for n in names}
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            for n, v in zip(names, parts[1:]):
                values[n].append(float(v))
    return {n: np.array(v) for n, v in values.items()}


def pwl_bin_integrals(nodes, values, edges):
    """Exact integrals of the piecewise-linear function through (nodes, values) over the bins
    between consecutive `edges`; the function is zero outside [nodes[0], nodes[-1]]."""
    if len(nodes) < 2:
        return np.zeros(len(edges) - 1)
    dx = np.diff(nodes)
    seg = 0.5 * (values[1:] + values[:-1]) * dx
    F = np.concatenate([[0.0], np.cumsum(seg)])
    x = np.clip(edges, nodes[0], nodes[-1])
    k = np.clip(np.searchsorted(nodes, x, side='right') - 1, 0, len(nodes) - 2)
    t = x - nodes[k]
    slope = np.where(dx[k] > 0, (values[k + 1] - values[k]) / np.where(dx[k] > 0, dx[k], 1), 0.0)
    Fx = F[k] + values[k] * t + 0.5 * slope * t * t
    return np.diff(Fx)


def line_bins(edges, E):
    """Bin index i with edges[i] < E <= edges[i+1], or -1 outside."""
    i = np.searchsorted(edges, E, side='left') - 1
    ok = (i >= 0) & (i < len(edges) - 1)
    return np.where(ok, i, -1)


def temperature_weights(kTgrid, kT):
    """XSPEC's bracketing indices and weights, linear in kT."""
    n = len(kTgrid)
    if kT < kTgrid[0]:
        return [(0, 1.0)]
    if kT > kTgrid[-1]:
        return [(n - 1, 1.0)]
    i1 = 0
    while i1 < n and kT >= kTgrid[i1]:
        i1 += 1
    i0 = i1 - 1
    if kT == kTgrid[i0] or i1 >= n:
        return [(i0, 1.0)]
    d = kTgrid[i1] - kTgrid[i0]
    return [(i0, (kTgrid[i1] - kT) / d), (i1, (kT - kTgrid[i0]) / d)]


def tabulated_spectrum(tables, t, edges_src, weights, parts=('cont', 'pseudo', 'lines')):
    """Spectrum of tabulated temperature t on source-frame edges, element Z weighted by
    weights[Z-1] (already including table/angr); units ph cm^3 s^-1 per bin."""
    out = np.zeros(len(edges_src) - 1)
    for (Z, rmj), row in tables.cont[t].items():
        if rmj != 0 or weights[Z - 1] == 0:
            continue
        if 'cont' in parts:
            out += weights[Z - 1] * pwl_bin_integrals(row['Ec'], row['Vc'], edges_src)
        if 'pseudo' in parts:
            out += weights[Z - 1] * pwl_bin_integrals(row['Ep'], row['Vp'], edges_src)
    if 'lines' in parts:
        L = tables.lines[t]
        b = line_bins(edges_src, L['E'])
        ok = b >= 0
        w = weights[L['Z'][ok] - 1] * L['eps'][ok]
        out += np.bincount(b[ok], weights=w, minlength=len(out))
    return out


def apec_spectrum(tables, edges_obs, kT, abund30, z=0.0, norm=1.0, table=None, angr=None,
                  parts=('cont', 'pseudo', 'lines')):
    """XSPEC-convention apec/vapec spectrum [ph cm^-2 s^-1 per bin] on observed edges.
    abund30: abundance parameter per element Z=1..30 relative to `table` (H forced to 1)."""
    a = np.array(abund30, dtype=np.float64).copy()
    if table is not None:
        a = a * table / angr
    edges_src = np.asarray(edges_obs) * (1.0 + z)
    out = np.zeros(len(edges_obs) - 1)
    for t, c in temperature_weights(tables.kT, kT):
        if c == 0:
            continue
        out += c * tabulated_spectrum(tables, t, edges_src, a, parts)
    return out * norm * 1e14 / (1.0 + z)


APEC_MAIN = [1, 2, 6, 7, 8, 10, 12, 13, 14, 16, 18, 20, 26, 28]


def apec_abundances(metal, trace=1.0):
    """Abundance per Z for XSPEC's apec: H = He = 1, the 12 metals = metal, trace elements = trace."""
    a = np.full(30, trace)
    for Z in APEC_MAIN:
        a[Z - 1] = metal
    a[0] = 1.0
    a[1] = 1.0
    return a
