"""The rule of Perseus's `NeiLineExtrapolation` (Sources/PerseusPhysics/NEI/NeiLineExtrapolation.swift),
restated in numpy so that scripts/nei_limits.py can measure it on the tables and the Swift test
NeiLineExtrapolationCrossCheckTests can compare the two implementations. The Swift code is the
one the library uses; the two must agree (the test checks).

For each line (one transition of element Z, emitting ion i = charge q + 1, energy E) listed by the compact
AtomDB table:
  0. form: lines from AtomDB's dielectronic-satellite levels (UpperLev >= 10000) are satellites of the next ion:
     driver = charge q + 1, form T^-3/2 exp(-E_s/kT), E_s = max(0, dE - I_q); all others are collisionally
     excited: driver = charge q, form T^-1/2 exp(-dE/kT); dE = E + energy of the lower level (its own
     transition to level 1 at >= 0.09 keV, where listed; else 0), I_q the emitting ion's ionisation potential;
  1. reference temperatures: tabulated, CHIANTI equilibrium fraction of the driver >= RELIABLE_FRACTION;
     Q = eps / f_driver there;
  2. adjacent reference pairs whose excess slope s = dlnQ/dlnT - dln(form)/dlnT (finite difference) is
     within +-SLOPE_TOLERANCE are consistent; the upper temperature of each is a candidate with
     gamma = clip(s, 0, MAX_GAMMA); a line without any adjacent pair takes every reference as a
     candidate with gamma = 0; a line with pairs but no consistent one gets no candidate;
  3. at every table temperature above the first candidate that does not list the line:
     Q(T) = Q(T_r) form(T)/form(T_r) (T/T_r)^gamma from the highest candidate T_r < T;
  4. values below FLOOR are dropped. The supplement records the driver's spectroscopic number as 'ion'.
"""
import os
import struct

import numpy as np

RELIABLE_FRACTION = 1e-5
SLOPE_TOLERANCE = 1.0
MAX_GAMMA = 0.5
FLOOR = 1e-20
FIRST_SATELLITE_LEVEL = 10000   # AtomDB numbers its dielectronic-satellite levels from here
RITZ_MINIMUM_ENERGY = 0.09      # keV: ground transitions used for lower-level energies
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
            for i, e, z, ion, eps, up, lo in zip(L['id'].tolist(), L['E'].tolist(), L['Z'].tolist(), L['ion'].tolist(),
                                                 L['eps'].tolist(), L['up'].tolist(), L['lo'].tolist()):
                tr = tracks.get(i)
                if tr is None:
                    tr = tracks[i] = dict(E=e, Z=z, ion=ion, up=up, lo=lo, points={})
                tr['points'][t] = eps
        # energy of each (Z, ion, level) above the ground level from its own transition to level 1
        level_energy = {}
        for i in sorted(tracks):   # ascending ids, as the library (last one wins)
            tr = tracks[i]
            if tr['lo'] == 1 and tr['E'] >= RITZ_MINIMUM_ENERGY:
                level_energy[(tr['Z'], tr['ion'], tr['up'])] = tr['E']
        for tr in tracks.values():
            tr['E_lower'] = level_energy.get((tr['Z'], tr['ion'], tr['lo']), 0.0) if tr['lo'] > 1 else 0.0
        self.tracks = tracks

    def fraction(self, t, z, charge):
        f = self.feq[z][t]
        return f[charge] if charge < len(f) else 0.0

    def form(self, track):
        """(driver charge, power of T, energy in the exponential) or None for H, He."""
        z, ion, energy = track['Z'], track['ion'], track['E']
        if z < 3 or ion > z:
            return None
        charge = ion - 1
        potential = self.ip[z][charge]
        upper_energy = energy + track['E_lower']
        if track['up'] >= FIRST_SATELLITE_LEVEL:
            return (charge + 1, -1.5, max(upper_energy - potential, 0.0))
        return (charge, -0.5, upper_energy)

    def ln_form(self, form, a, b):
        ka, kb = self.kT[a], self.kT[b]
        return form[1] * np.log(kb / ka) + form[2] * (1 / ka - 1 / kb)

    def excess(self, form, qa, qb, a, b):
        return (np.log(qb / qa) - self.ln_form(form, a, b)) / np.log(self.kT[b] / self.kT[a])

    def candidates(self, track, visible=None):
        """[(record, Q, gamma)] by increasing record; `visible`: records the rule may see (None = all)."""
        form = self.form(track)
        if form is None:
            return []
        z = track['Z']
        ref = []
        for t in sorted(track['points']):
            if visible is not None and t not in visible:
                continue
            f = self.fraction(t, z, form[0])
            eps = track['points'][t]
            if f < RELIABLE_FRACTION or eps <= 0:
                continue
            ref.append((t, eps / f))
        cands, any_pair = [], False
        for k in range(1, len(ref)):
            if ref[k][0] != ref[k - 1][0] + 1:
                continue
            any_pair = True
            s = self.excess(form, ref[k - 1][1], ref[k][1], ref[k - 1][0], ref[k][0])
            if abs(s) <= SLOPE_TOLERANCE:
                cands.append((ref[k][0], ref[k][1], min(max(s, 0.0), self.max_gamma)))
        if not any_pair:
            cands = [(t, q, 0.0) for t, q in ref]
        return cands

    def extrapolate(self, cand, form, t):
        r, q, g = cand
        return q * np.exp(self.ln_form(form, r, t) + g * np.log(self.kT[t] / self.kT[r]))

    def predict(self, track, t, visible=None):
        """Q at record t from the candidates below t (None if there is none)."""
        below = [c for c in self.candidates(track, visible) if c[0] < t]
        return self.extrapolate(below[-1], self.form(track), t) if below else None

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
                form = self.form(tr)
                q = self.extrapolate(cands[c], form, t)
                if q >= FLOOR and np.isfinite(q):
                    out[t].append((tr['E'], tr['Z'], form[0] + 1, q))
        return {t: (np.array([x[0] for x in v]), np.array([x[1] for x in v], dtype=int),
                    np.array([x[2] for x in v], dtype=int), np.array([x[3] for x in v])) for t, v in out.items()}


def default_paths():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    blobs = os.path.join(root, 'Sources', 'PerseusData', 'blobs')
    return os.path.join(blobs, 'atomdb_apec.bin'), os.path.join(blobs, 'ionization_rates.bin')
