"""The rule of Perseus's `NeiLineExtrapolation` (Sources/PerseusPhysics/NEI/NeiLineExtrapolation.swift),
restated in numpy so that scripts/nei_limits.py can measure it on the tables and the Swift test
NeiLineExtrapolationCrossCheckTests can compare the two implementations. The Swift code is the
one the library uses; the two must agree (the test checks).

For each line (one transition of element Z, ion i, energy E) listed by the compact AtomDB table:
  1. reference temperatures: tabulated, CHIANTI equilibrium fraction f_i >= RELIABLE_FRACTION, and,
     if E exceeds the ion's ionisation potential (autoionising upper level), f_{i+1} <= NEIGHBOUR_RATIO f_i;
     Q = eps / f_i there;
  2. adjacent reference pairs whose excess slope s = dlnQ/dlnT - (-1/2 + E/kT) (finite difference) is
     within +-SLOPE_TOLERANCE are collisional; the upper temperature of each is a candidate with
     gamma = clip(s, 0, MAX_GAMMA); a line without any adjacent pair takes every reference as a
     candidate with gamma = 0; a line with pairs but no collisional one gets no candidate;
  3. at every table temperature above the first candidate that does not list the line:
     Q(T) = Q(T_r) (T_r/T)^(1/2) exp(E/kT_r - E/kT) (T/T_r)^gamma from the highest candidate T_r < T;
  4. values below FLOOR are dropped.
"""
import os
import struct

import numpy as np

RELIABLE_FRACTION = 1e-5
SLOPE_TOLERANCE = 1.0
MAX_GAMMA = 0.5
NEIGHBOUR_RATIO = 10.0
FLOOR = 1e-20
K_B = 8.617333262e-8   # keV/K


def read_rates(path):
    """Ionisation potentials [keV] and node rates (log T = 4.0 ... 9.0 step 0.1) from
    Sources/PerseusData/blobs/ionization_rates.bin (format: IonizationRateTable.swift)."""
    b = open(path, 'rb').read()
    if b[:8] != b'PNEIRATE':
        raise ValueError(f'{path}: not a Perseus rate table')
    _, ne, nn, _ = struct.unpack_from('<IIII', b, 8)
    p = 24
    lt0, dlt = struct.unpack_from('<dd', b, p)
    p += 16
    ip, s, a = {}, {}, {}
    for z in range(1, ne + 1):
        ip[z] = np.frombuffer(b, '<f8', z, p) / 1000.0
        p += 8 * z
        s[z] = np.exp(np.frombuffer(b, '<f8', z * nn, p).reshape(z, nn))
        p += 8 * z * nn
        a[z] = np.exp(np.frombuffer(b, '<f8', z * nn, p).reshape(z, nn))
        p += 8 * z * nn
    logt = lt0 + dlt * np.arange(nn)
    return logt, ip, s, a


def equilibrium(s, a):
    """Detailed balance f_{q+1}/f_q = S_q/alpha_q (IonizationSolver's equilibrium)."""
    lr = np.concatenate([[0.0], np.cumsum(np.log(s) - np.log(a))])
    p = np.exp(lr - lr.max())
    return p / p.sum()


class Rule:
    """Equilibrium fractions at the table's records and the extrapolation rule."""

    def __init__(self, table, rates_path, max_gamma=MAX_GAMMA):
        self.table = table
        self.max_gamma = max_gamma
        logt, self.ip, s, a = read_rates(rates_path)
        self.kT = np.asarray(table.kT, dtype=float)
        node_logt = np.log10(np.asarray(table.kelvin, dtype=float))
        idx = np.rint((node_logt - logt[0]) / (logt[1] - logt[0])).astype(int)
        if np.any(np.abs(logt[idx] - node_logt) > 1e-6):
            raise ValueError('table temperatures are not rate-table nodes')
        self.feq = {z: np.array([equilibrium(s[z][:, k], a[z][:, k]) for k in idx]) for z in range(3, 31)}
        self._tracks()

    def _tracks(self):
        tracks = {}
        for t in range(len(self.kT)):
            L = self.table.lines[t]
            for i, e, z, ion, eps in zip(L['id'].tolist(), L['E'].tolist(), L['Z'].tolist(), L['ion'].tolist(),
                                         L['eps'].tolist()):
                tr = tracks.get(i)
                if tr is None:
                    tr = tracks[i] = dict(E=e, Z=z, ion=ion, points={})
                tr['points'][t] = eps
        self.tracks = tracks

    def fraction(self, t, z, charge):
        f = self.feq[z][t]
        return f[charge] if charge < len(f) else 0.0

    def ln_exc(self, energy, a, b):
        ka, kb = self.kT[a], self.kT[b]
        return 0.5 * np.log(ka / kb) + energy * (1 / ka - 1 / kb)

    def excess(self, energy, qa, qb, a, b):
        return (np.log(qb / qa) - self.ln_exc(energy, a, b)) / np.log(self.kT[b] / self.kT[a])

    def candidates(self, track, visible=None):
        """[(record, Q, gamma)] by increasing record; `visible`: records the rule may see (None = all)."""
        z, ion, energy = track['Z'], track['ion'], track['E']
        if z < 3 or ion > z:
            return []
        charge = ion - 1
        autoionising = energy > (self.ip[z][charge] if charge < z else np.inf)
        ref = []
        for t in sorted(track['points']):
            if visible is not None and t not in visible:
                continue
            f = self.fraction(t, z, charge)
            eps = track['points'][t]
            if f < RELIABLE_FRACTION or eps <= 0:
                continue
            if autoionising and self.fraction(t, z, charge + 1) > NEIGHBOUR_RATIO * f:
                continue
            ref.append((t, eps / f))
        cands, any_pair = [], False
        for k in range(1, len(ref)):
            if ref[k][0] != ref[k - 1][0] + 1:
                continue
            any_pair = True
            s = self.excess(energy, ref[k - 1][1], ref[k][1], ref[k - 1][0], ref[k][0])
            if abs(s) <= SLOPE_TOLERANCE:
                cands.append((ref[k][0], ref[k][1], min(max(s, 0.0), self.max_gamma)))
        if not any_pair:
            cands = [(t, q, 0.0) for t, q in ref]
        return cands

    def extrapolate(self, cand, energy, t):
        r, q, g = cand
        return q * np.exp(self.ln_exc(energy, r, t) + g * np.log(self.kT[t] / self.kT[r]))

    def predict(self, track, t, visible=None):
        """Q at record t from the candidates below t (None if there is none)."""
        below = [c for c in self.candidates(track, visible) if c[0] < t]
        return self.extrapolate(below[-1], track['E'], t) if below else None

    def supplement(self):
        """{record: (E, Z, ion, Q) arrays} of every extrapolated value kept (the library's NeiSupplementaryLines)."""
        out = {t: [] for t in range(len(self.kT))}
        for tr in self.tracks.values():
            cands = self.candidates(tr)
            if not cands:
                continue
            c = 0
            for t in range(cands[0][0] + 1, len(self.kT)):
                if t in tr['points']:
                    continue
                while c + 1 < len(cands) and cands[c + 1][0] < t:
                    c += 1
                q = self.extrapolate(cands[c], tr['E'], t)
                if q >= FLOOR and np.isfinite(q):
                    out[t].append((tr['E'], tr['Z'], tr['ion'], q))
        return {t: (np.array([x[0] for x in v]), np.array([x[1] for x in v], dtype=int),
                    np.array([x[2] for x in v], dtype=int), np.array([x[3] for x in v])) for t, v in out.items()}


def default_paths():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    blobs = os.path.join(root, 'Sources', 'PerseusData', 'blobs')
    return os.path.join(blobs, 'atomdb_apec.bin'), os.path.join(blobs, 'ionization_rates.bin')
