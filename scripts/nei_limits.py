#!/usr/bin/env python3
"""Measures, from the real tables, the limits of Perseus's `nei` (documented in
Sources/PerseusPhysics/NEI/Nei.swift and NeiLineExtrapolation.swift): it rescales AtomDB 3.0.9's
*equilibrium* line emissivities ion by ion with f_NEI/f_eq from the CHIANTI 10 rates, adds the
lines the table omits at kT with per-ion emissivities extrapolated from where it lists them
(times the ion's population excess), and keeps the equilibrium continuum.

Reads ../shared/data (never needed at run time):
  atomdb/apec_v3.0.9_line.fits, atomdb/apec_v3.0.9_coco.fits  (AtomDB 3.0.9)
  atomic-rates/rates/*.rts, atomic-rates/balances/*.bal        (CHIANTI 10 via HYDRAD)
  absorption/abundances.dat
and the project's own compact AtomDB blob and rate table (Sources/PerseusData/blobs), on which
scripts/nei_line_extrapolation.py restates the library's extrapolation rule (the Swift test
NeiLineExtrapolationCrossCheckTests checks that the two agree). Sections 7 and 8 also run the
`perseus` binary (ion fractions and spectra at kT = 5 keV, which is not a rate-table node).

Temperatures of sections 1-4 are taken at the rate-table nodes log10 T = 7.0 ... 8.0, which are
also AtomDB's tabulated temperatures, so no interpolation enters; NEI populations there are
exp(A tau) from the neutral state with scipy's expm on the node rates.

1. Coverage: for iron at kT and tau, the share of iron in ions whose lines are barely represented
   at kT (fewer than 20 lines, or none in the Fe K band 6.3-7.1 keV) -- in the equilibrium table
   alone, and with the extrapolated lines.
2. Apparent per-ion emissivity of the tabulated lines (the ratio form's consistency).
3. Continuum kept at equilibrium: the metals' share, and the free-free scaling out of equilibrium.
4. Whether f_NEI/f_eq is safe for rare ions.
5. Leave-one-out validation of the extrapolation on the Fe K and Fe L lines of Fe XVII-XXV.
6. Smoothness across the switch from tabulated to extrapolated emissivities.
7. Fe K centroid and iron line flux against tau at kT = 5 keV (and iron line flux at 2 and 8 keV).
8. What remains missing: Fe K emission of Fe XVII-XIX (and lower ions), which AtomDB lists at no
   temperature, estimated from published inner-shell ionisation and fluorescence data.

Usage: python3 scripts/nei_limits.py [DATA_DIR] [--perseus PATH]
       (defaults ../shared/data and .build/release/perseus; run `swift build -c release` first)
"""
import os
import re
import sys

import numpy as np
from astropy.io import fits
from scipy.linalg import expm

import argparse
import json
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from compact_atomdb import CompactTable  # noqa: E402
import nei_line_extrapolation as nle  # noqa: E402

_parser = argparse.ArgumentParser()
_parser.add_argument("data", nargs="?", default=os.path.join(ROOT, "..", "shared", "data"))
_parser.add_argument("--perseus", default=os.path.join(ROOT, ".build", "release", "perseus"))
ARGS = _parser.parse_args()
DATA = ARGS.data
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"
if not os.access(ARGS.perseus, os.X_OK):
    sys.exit(f"nei_limits.py: {ARGS.perseus} is not an executable perseus binary (run `swift build -c release`, or pass --perseus PATH)")
HC = 12.3984191
K_B = 8.617333262e-8   # keV/K
Z_FE = 26


def read_rates(symbol):
    blocks, current = [], None
    for line in open(os.path.join(DATA, "atomic-rates", "rates", f"{symbol}.rts")):
        s = line.strip()
        if not s:
            continue
        if re.match(r"^[a-z]+[+-]", s):
            current = []
            blocks.append(current)
        else:
            current.extend(float(x) for x in s.split())
    return np.array(blocks)


def read_balance(symbol):
    rows = [list(map(float, line.split())) for line in open(os.path.join(DATA, "atomic-rates", "balances", f"{symbol}.bal")) if line.strip()]
    return {round(r[0], 1): np.array(r[1:]) for r in rows}


SYMBOLS = ["h", "he", "li", "be", "b", "c", "n", "o", "f", "ne", "na", "mg", "al", "si", "p", "s", "cl", "ar", "k",
           "ca", "sc", "ti", "v", "cr", "mn", "fe", "co", "ni", "cu", "zn"]
RATES = {z: read_rates(SYMBOLS[z - 1]) for z in range(1, 31)}
BALANCE = read_balance("fe")
NODE_LOGT = np.round(np.arange(4.0, 8.01, 0.1), 1)
ANGR = {}
for line in open(os.path.join(DATA, "absorption", "abundances.dat")):
    parts = line.split()
    if parts and parts[0].lower() in SYMBOLS:
        ANGR[SYMBOLS.index(parts[0].lower()) + 1] = float(parts[1])


def nei_fractions(logt, tau, z=Z_FE):
    j = int(round((logt - 4.0) / 0.1))
    n = z + 1
    s_all, a_all = RATES[z][:z], RATES[z][z:2 * z]
    m = np.zeros((n, n))
    for q in range(z):
        s, a = s_all[q, j], a_all[q, j]
        m[q, q] -= s
        m[q + 1, q] += s
        m[q, q + 1] += a
        m[q + 1, q + 1] -= a
    f0 = np.zeros(n)
    f0[0] = 1
    f = expm(m * tau) @ f0
    f = np.clip(f, 0, None)
    return f / f.sum()


line_file = fits.open(os.path.join(DATA, "atomdb", "apec_v3.0.9_line.fits"), memmap=True)
coco_file = fits.open(os.path.join(DATA, "atomdb", "apec_v3.0.9_coco.fits"), memmap=True)
KT = np.array(line_file["PARAMETERS"].data["kT"], dtype=float)
LOGT_TABLE = np.round(np.log10(KT / K_B), 1)


def record(logt):
    i = int(np.argmin(abs(LOGT_TABLE - logt)))
    assert abs(LOGT_TABLE[i] - logt) < 0.01
    return i


def iron_lines(i):
    d = line_file[i + 2].data
    m = d["Element"] == Z_FE
    return HC / d["Lambda"][m].astype(float), d["Ion"][m].astype(int), d["Epsilon"][m].astype(float)


print("# nei limits measured from AtomDB 3.0.9 and the CHIANTI 10 rates (scripts/nei_limits.py)")
print()
BLOB, RATES_BLOB = nle.default_paths()
COMPACT = CompactTable(BLOB)
RULE = nle.Rule(COMPACT, RATES_BLOB)
SUPPLEMENT = RULE.supplement()
FIRST_ROW = COMPACT.first_index   # compact record t is table row t + FIRST_ROW

# Fe ions with a Fe K line listed at some temperature of the table (any row kept in the compact table)
EVER_FEK = set()
for t in range(len(COMPACT.kT)):
    L = COMPACT.lines[t]
    m = (L["Z"] == Z_FE) & (L["E"] > 6.3) & (L["E"] < 7.1)
    EVER_FEK.update(int(x) for x in L["ion"][m])

print("## 1. Iron populations and whether their lines are represented")
print("Share of iron (by number) in ions driving < 20 lines at kT, and in ions driving no line in 6.3-7.1 keV, in the")
print("equilibrium table alone (tab: every line scaled by its emitting ion) and with the extrapolated lines (+ext: a")
print("dielectronic satellite is driven by the recombining ion); 'never': in ions for which AtomDB lists no Fe K line")
print("at any temperature (Fe I-XIX). The bare nucleus, which has no lines by nature, is not counted.")
print(f"{'kT [keV]':>9} {'tau':>8} {'<20 tab':>8} {'<20 +ext':>9} {'noK tab':>8} {'noK +ext':>9} {'never K':>8}  dominant ions (spectroscopic: fraction)")
for logt in [7.0, 7.3, 7.5, 7.7, 7.8, 8.0]:
    i = record(logt)
    energies, ions, _ = iron_lines(i)
    count = np.array([np.sum(ions == q + 1) for q in range(Z_FE + 1)])
    fek = np.array([np.sum((ions == q + 1) & (energies > 6.3) & (energies < 7.1)) for q in range(Z_FE + 1)])
    E_x, Z_x, ion_x, _ = SUPPLEMENT[i - FIRST_ROW]
    fe_x = Z_x == Z_FE
    count_x = count + np.array([np.sum(ion_x[fe_x] == q + 1) for q in range(Z_FE + 1)])
    fek_x = fek + np.array([np.sum((ion_x[fe_x] == q + 1) & (E_x[fe_x] > 6.3) & (E_x[fe_x] < 7.1)) for q in range(Z_FE + 1)])
    never = np.array([(q + 1) not in EVER_FEK for q in range(Z_FE)])
    for tau in [1e9, 1e10, 1e11, 1e12]:
        f = nei_fractions(logt, tau)
        few = f[:Z_FE][count[:Z_FE] < 20].sum()
        few_x = f[:Z_FE][count_x[:Z_FE] < 20].sum()
        nofek = f[:Z_FE][fek[:Z_FE] == 0].sum()
        nofek_x = f[:Z_FE][fek_x[:Z_FE] == 0].sum()
        top = np.argsort(f)[::-1][:3]
        dominant = ", ".join(f"Fe {q + 1}: {f[q]:.2f}" for q in top)
        print(f"{KT[i]:9.3f} {tau:8.0e} {few:8.2f} {few_x:9.2f} {nofek:8.2f} {nofek_x:9.2f} {f[:Z_FE][never].sum():8.2f}  {dominant}")

print()
print("## 2. Apparent per-ion emissivity of iron relative to its value at the ion's peak")
print("P_i(T) = sum(eps exp(E/kT)) sqrt(T) / f_i(CHIANTI); shown where f_i > 1e-5; 1 = consistent with the ratio form.")
ions_shown = list(range(17, 27))
print(f"{'kT [keV]':>9} " + " ".join(f"{'Fe ' + str(q):>8}" for q in ions_shown))
apparent = {}
for q in ions_shown:
    values = {}
    for logt in NODE_LOGT:
        if logt < 6.0:
            continue
        i = record(logt)
        energies, ions, eps = iron_lines(i)
        m = ions == q
        f = BALANCE[logt][q - 1]
        if f <= 1e-5 or not m.any():
            continue
        kt = KT[i]
        values[logt] = np.sum(eps[m] * np.exp(energies[m] / kt)) * np.sqrt(kt) / f
    if values:
        peak = max(values, key=lambda t: BALANCE[t][q - 1])
        apparent[q] = {t: v / values[peak] for t, v in values.items()}
for logt in [7.0, 7.2, 7.4, 7.6, 7.7, 7.8, 8.0]:
    i = record(logt)
    cells = []
    for q in ions_shown:
        v = apparent.get(q, {}).get(logt)
        cells.append(f"{v:8.2f}" if v is not None else f"{'-':>8}")
    print(f"{KT[i]:9.3f} " + " ".join(cells))

print()
print("## 3. Continuum kept at equilibrium: metals' share in 1.8-9 keV")
print("Per kT: metals' share of the continuum (band total); the largest share of the metal continuum in the")
print("whole apec spectrum (lines and pseudo-continuum included) over 100 eV bins, and its band-total share;")
print("the pseudo-continuum's (weak lines, per element: also kept at equilibrium) band-total share.")
edges = np.arange(1.8, 9.0001, 0.1)


def integrate(x, y, a, b):
    xs = np.concatenate([[a], x[(x > a) & (x < b)], [b]])
    return np.trapezoid(np.interp(xs, x, y, left=0, right=0), xs)


print(f"{'kT [keV]':>9} {'cont share':>11} {'max bin':>8} {'band':>8} {'pseudo':>8}")
for logt in [7.1, 7.3, 7.5, 7.7, 7.8, 8.0, 8.1]:
    i = record(logt)
    d = coco_file[i + 2].data
    metal_cont = np.zeros(len(edges) - 1)
    all_cont = np.zeros(len(edges) - 1)
    metal_pseudo = np.zeros(len(edges) - 1)
    all_pseudo = np.zeros(len(edges) - 1)
    for row in d:
        if row["rmJ"] != 0:
            continue
        nc, npseudo = int(row["N_Cont"]), int(row["N_Pseudo"])
        ec, c = row["E_Cont"][:nc].astype(float), row["Continuum"][:nc].astype(float)
        ep, p = row["E_Pseudo"][:npseudo].astype(float), row["Pseudo"][:npseudo].astype(float)
        cb = np.array([integrate(ec, c, edges[k], edges[k + 1]) for k in range(len(edges) - 1)])
        pb = np.array([integrate(ep, p, edges[k], edges[k + 1]) for k in range(len(edges) - 1)]) if npseudo > 1 else 0 * cb
        all_cont += cb
        all_pseudo += pb
        if row["Z"] >= 3:
            metal_cont += cb
            metal_pseudo += pb
    ld = line_file[i + 2].data
    energy = HC / ld["Lambda"].astype(float)
    lines = np.histogram(energy, bins=edges, weights=ld["Epsilon"].astype(float))[0]
    total = all_cont + all_pseudo + lines
    print(f"{KT[i]:9.3f} {metal_cont.sum() / all_cont.sum():11.3f} {np.max(metal_cont / total):8.3f} "
          f"{metal_cont.sum() / total.sum():8.3f} {all_pseudo.sum() / total.sum():8.3f}")

print()
print("Free-free part of the metal continuum out of equilibrium: sum_Z A_Z sum_q f_q q^2 over Z >= 3 (angr),")
print("non-equilibrium over equilibrium (the equilibrium taken as the tau = 1e16 solution). Bremsstrahlung of an")
print("ion scales as q^2 (Gaunt factors aside); the recombination continua cannot be split per ion from these tables.")
print(f"{'kT [keV]':>9} " + " ".join(f"{'tau=' + format(t, '.0e'):>10}" for t in [1e9, 1e10, 1e11, 1e12]))
for logt in [7.3, 7.8, 8.0]:
    i = record(logt)

    def weight(tau):
        total = 0.0
        for z in range(3, 31):
            f = nei_fractions(logt, tau, z)
            total += ANGR.get(z, 0.0) * np.dot(f, np.arange(z + 1) ** 2)
        return total
    eq = weight(1e16)
    print(f"{KT[i]:9.3f} " + " ".join(f"{weight(t) / eq:10.2f}" for t in [1e9, 1e10, 1e11, 1e12]))

print()
print("## 4. Is f_NEI/f_eq safe for rare ions? Apparent per-ion emissivity of every ion Z >= 3 against its")
print("CHIANTI equilibrium fraction f_eq at the tabulated temperatures log T = 6.0 ... 8.0 (all its lines,")
print("P = sum(eps exp(min(E, 20 keV)/kT)) sqrt(kT) / f_eq, relative to P where the ion peaks; ions peaking above 0.05).")
print("No bucket below 1e-8 appears: the tables list no line of an ion rarer than that in CHIANTI's balance.")
buckets = {}
symbols_balance = {z: read_balance(SYMBOLS[z - 1]) for z in range(3, 31)}
per_ion = {}
for i in range(len(KT)):
    logt = LOGT_TABLE[i]
    if logt < 6.0 or logt > 8.0:
        continue
    d = line_file[i + 2].data
    energy = HC / d["Lambda"].astype(float)
    eps = d["Epsilon"].astype(float)
    keys = d["Element"].astype(int) * 100 + d["Ion"].astype(int)
    for key in np.unique(keys):
        z, ion = divmod(int(key), 100)
        if z < 3:
            continue
        f = symbols_balance[z][logt][ion - 1]
        if f <= 1e-30:
            continue
        m = keys == key
        p = np.sum(eps[m] * np.exp(np.minimum(energy[m], 20) / KT[i])) * np.sqrt(KT[i]) / f
        per_ion.setdefault((z, ion), {})[logt] = (f, p)
for values in per_ion.values():
    peak = max(values, key=lambda t: values[t][0])
    if values[peak][0] < 0.05:
        continue
    for f, p in values.values():
        buckets.setdefault(int(np.floor(np.log10(f))), []).append(p / values[peak][1])
print(f"{'f_eq':>14} {'n':>6} {'median':>7} {'5%':>6} {'95%':>6} {'min':>8} {'max':>8}")
for b in sorted(buckets):
    r = np.array(buckets[b])
    print(f"[1e{b:+d}, 1e{b + 1:+d}) {len(r):6d} {np.median(r):7.2f} {np.percentile(r, 5):6.2f} {np.percentile(r, 95):6.2f} "
          f"{r.min():8.2e} {r.max():8.2e}")


# ---------------------------------------------------------------------------------------------------
def weighted_percentiles(values, weights, ps):
    o = np.argsort(values)
    cw = np.cumsum(weights[o]) / weights.sum()
    return [values[o][min(np.searchsorted(cw, p), len(values) - 1)] for p in ps]


def iron_tracks(low, high):
    return [tr for tr in RULE.tracks.values() if tr["Z"] == Z_FE and 17 <= tr["ion"] <= 25 and low < tr["E"] < high]


def reliable_q(rule, tr, t):
    f = rule.fraction(t, tr["Z"], rule.form(tr)[0])
    if t not in tr["points"] or f < nle.RELIABLE_FRACTION:
        return None
    return tr["points"][t] / f


RULE_CONSTANT = nle.Rule(COMPACT, RATES_BLOB, max_gamma=0.0)
print()
print("## 5. Leave-one-out: extrapolated against tabulated per-ion emissivities, Fe XVII-XXV")
print("For every line and every temperature T where the table lists it with f_eq(driving ion) >= 1e-5, the rule sees the")
print("temperatures up to n steps (0.1 dex each) below T only and extrapolates to T; ratio = extrapolated / tabulated Q.")
print("Weighted by the tabulated Q (emission per unit driver population). 'none': share of that weight the rule does not")
print("extrapolate (no consistent reference below T). Rule: the library's (gamma = measured excess slope, clipped")
print("to [0, 0.5]); constant Y: the same with gamma = 0 (effective collision strength held constant).")
print(f"{'lines':>6} {'rule':>11} {'n':>2} {'pairs':>6} {'none':>5} {'5%':>6} {'25%':>6} {'50%':>6} {'75%':>6} {'95%':>6} {'<10%':>6} {'<30%':>6}")
for label, low, high in [("Fe K", 6.3, 7.1), ("Fe L", 0.6, 2.5)]:
    tracks = iron_tracks(low, high)
    for rule_label, rule in [("measured", RULE), ("constant Y", RULE_CONSTANT)]:
        for n in (1, 3, 5):
            ratios, weights, missing, total = [], [], 0.0, 0.0
            for tr in tracks:
                for t in sorted(tr["points"]):
                    truth = reliable_q(rule, tr, t)
                    if truth is None or reliable_q(rule, tr, t - n) is None:
                        continue
                    visible = {s_ for s_ in tr["points"] if s_ <= t - n}
                    total += truth
                    p = rule.predict(tr, t, visible)
                    if p is None:
                        missing += truth
                        continue
                    ratios.append(p / truth)
                    weights.append(truth)
            r, w = np.array(ratios), np.array(weights)
            pc = weighted_percentiles(r, w, [0.05, 0.25, 0.5, 0.75, 0.95])
            within10 = w[np.abs(r - 1) <= 0.1].sum() / w.sum()
            within30 = w[np.abs(r - 1) <= 0.3].sum() / w.sum()
            print(f"{label:>6} {rule_label:>11} {n:2d} {len(r):6d} {missing / total:5.2f} " + " ".join(f"{x:6.2f}" for x in pc)
                  + f" {within10:6.2f} {within30:6.2f}")

print()
print("## 6. Across the switch: from the last tabulated temperature (Q = eps/f_eq of the driving ion) to the first")
print("extrapolated one, the excess logarithmic slope over the line's form (collisional excitation, or dielectronic")
print("satellite) with constant Y, for every Fe XVII-XXV line extrapolated there (weighted by the extrapolated Q).")
print("Within the tabulated range the same quantity is typically 0.1-0.4 (effective collision strengths grow slowly).")
rows = []
for tr in RULE.tracks.values():
    if tr["Z"] != Z_FE or not (17 <= tr["ion"] <= 25):
        continue
    last = max(tr["points"])
    if last + 1 >= len(RULE.kT):
        continue
    q_x = RULE.predict(tr, last + 1)
    if q_x is None or q_x < nle.FLOOR:
        continue
    form = RULE.form(tr)
    q_t = tr["points"][last] / RULE.fraction(last, Z_FE, form[0])
    rows.append((RULE.excess(form, q_t, q_x, last, last + 1), q_x))
a = np.array(rows)
pc = weighted_percentiles(a[:, 0], a[:, 1], [0.05, 0.25, 0.5, 0.75, 0.95])
print(f"lines {len(a)}; excess slope percentiles 5/25/50/75/95: " + " ".join(f"{x:+.2f}" for x in pc)
      + f"; weight with |excess| <= 1: {a[np.abs(a[:, 0]) <= 1, 1].sum() / a[:, 1].sum():.3f}")


# ---------------------------------------------------------------------------------------------------
def cli_fractions(symbol, kT, tau=None):
    command = [ARGS.perseus, "ionization", "--element", symbol, "--kT", repr(kT), "--json"]
    if tau is not None:
        command += ["--tau", repr(tau)]
    return np.array(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)["fractions"])


def cli_band_centroid(expression, kT, tau=None):
    command = [ARGS.perseus, "model", expression, "--set", f"kT={kT!r}", "--grid", "6.3:7.1:0.001", "--csv"]
    if tau is not None:
        command += ["--set", f"Tau={tau!r}"]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split("\n")[1:]
    rows = np.array([list(map(float, line.split(","))) for line in out if line.strip()])
    return np.sum(rows[:, 2] * 0.5 * (rows[:, 0] + rows[:, 1])) / rows[:, 2].sum()


SYMBOL_NAMES = [s_.capitalize() for s_ in SYMBOLS]
ION_CAP = 1e8   # NeiIonScaling.default


def nei_lines(kT, fractions, equilibrium, low, high, extrapolate=True):
    """(E, flux, Z, ion, extrapolated) of nei's lines in (low, high] at kT (solar angr, norm 1 per n_e n_H)."""
    kts = COMPACT.kT
    hi_i = int(np.searchsorted(kts, kT, side="right"))
    lo_i = hi_i - 1
    w = (kT - kts[lo_i]) / (kts[hi_i] - kts[lo_i])
    out = []
    for t, weight in [(lo_i, 1 - w), (hi_i, w)]:
        L = COMPACT.lines[t]
        m = (L["E"] > low) & (L["E"] <= high)
        for e, eps, z, ion in zip(L["E"][m], L["eps"][m], L["Z"][m], L["ion"][m]):
            if z >= 3:
                fn, fe = fractions[z][ion - 1], equilibrium[z][ion - 1]
                factor = min(fn / fe, ION_CAP) if fe > 0 else (ION_CAP if fn > 0 else 1.0)
            else:
                factor = 1.0
            if weight * eps * factor > 0:
                out.append((e, weight * eps * factor, z, ion, False))
        if not extrapolate:
            continue
        E_x, Z_x, ion_x, Q_x = SUPPLEMENT[t]
        m = (E_x > low) & (E_x <= high)
        for e, q, z, ion in zip(E_x[m], Q_x[m], Z_x[m], ion_x[m]):
            excess = max(0.0, fractions[z][ion - 1] - equilibrium[z][ion - 1])
            if weight * q * excess > 0:
                out.append((e, weight * q * excess, z, ion, True))
    return out


def line_summary(lines, element=None):
    sel = [x for x in lines if element is None or x[2] == element]
    flux = sum(x[1] for x in sel)
    return flux, sum(x[1] for x in sel if x[4]), (sum(x[1] * x[0] for x in sel) / flux if flux > 0 else float("nan"))


TAUS = [1e9, 3e9, 1e10, 3e10, 1e11, 1e12]
KT5 = 5.0
EQ5 = {z: cli_fractions(SYMBOL_NAMES[z - 1], KT5) for z in range(3, 31)}
NEI5 = {tau: {z: cli_fractions(SYMBOL_NAMES[z - 1], KT5, tau) for z in range(3, 31)} for tau in TAUS}
apec_k = nei_lines(KT5, EQ5, EQ5, 6.3, 7.1)
apec_fe = nei_lines(KT5, EQ5, EQ5, 0.5, 10.0)
apec_k_flux, _, apec_k_centroid = line_summary(apec_k)
apec_fek_flux = line_summary(apec_k, Z_FE)[0]
apec_fe_flux = line_summary(apec_fe, Z_FE)[0]

print()
print("## 7. kT = 5 keV: Fe K centroid and iron line flux against tau")
print("line centroid: flux-weighted mean energy of all lines in 6.3-7.1 keV (continuum excluded), with and without")
print("the extrapolated lines; band centroid: counts-weighted mean energy of the whole `perseus model nei` spectrum in")
print("6.3-7.1 keV at 1 eV (continuum included). Fe K / Fe 0.5-10: iron line flux in 6.3-7.1 keV / 0.5-10 keV")
print("relative to apec's at 5 keV, and the share of it from extrapolated lines.")
print(f"{'tau':>8} {'line centroid':>14} {'(no extrap.)':>13} {'band centroid':>14} {'Fe K':>8} {'ext':>5} {'Fe 0.5-10':>10} {'ext':>5}")
for tau in TAUS:
    k = nei_lines(KT5, NEI5[tau], EQ5, 6.3, 7.1)
    k0 = nei_lines(KT5, NEI5[tau], EQ5, 6.3, 7.1, extrapolate=False)
    fe = nei_lines(KT5, NEI5[tau], EQ5, 0.5, 10.0)
    _, _, centroid = line_summary(k)
    _, _, centroid0 = line_summary(k0)
    fek, fek_x, _ = line_summary(k, Z_FE)
    fel, fel_x, _ = line_summary(fe, Z_FE)
    band = cli_band_centroid("nei", KT5, tau)
    print(f"{tau:8.0e} {centroid:14.4f} {centroid0:13.4f} {band:14.4f} {fek / apec_fek_flux:8.3f} {fek_x / fek if fek > 0 else 0:5.2f} "
          f"{fel / apec_fe_flux:10.2f} {fel_x / fel:5.2f}")
print(f"{'apec':>8} {apec_k_centroid:14.4f} {apec_k_centroid:13.4f} {cli_band_centroid('apec', KT5):14.4f} {1:8.3f} {0:5.2f} {1:10.2f} {0:5.2f}")
print()
print("Iron line flux in 0.5-10 keV relative to apec's at the same kT (share from extrapolated lines):")
print(f"{'kT [keV]':>9} " + " ".join(f"{'tau=' + format(t, '.0e'):>16}" for t in TAUS))
for kt in [2.0, 8.0]:
    eq = {z: cli_fractions(SYMBOL_NAMES[z - 1], kt) for z in range(3, 31)}
    reference = line_summary(nei_lines(kt, eq, eq, 0.5, 10.0), Z_FE)[0]
    cells = []
    for tau in TAUS:
        fr = {z: cli_fractions(SYMBOL_NAMES[z - 1], kt, tau) for z in range(3, 31)}
        fel, fel_x, _ = line_summary(nei_lines(kt, fr, eq, 0.5, 10.0), Z_FE)
        cells.append(f"{fel / reference:9.2f} ({fel_x / fel:4.2f})")
    print(f"{kt:9.3f} " + " ".join(f"{c:>16}" for c in cells))


# ---------------------------------------------------------------------------------------------------
print()
print("## 8. Still missing: Fe K emission from inner-shell processes in Fe I-XXIII")
print("AtomDB lists no Fe K line of Fe I-XIX at any temperature, and the Fe K lines it lists for Fe XX-XXIV are mostly")
print("dielectronic satellites (the rule attributes them to the recombining ion): the check below compares AtomDB's")
print("Fe K line emissivity of Fe XXII-XXIV with the photons of dielectronic recombination through the 1s core from")
print("CHIANTI's fits (K-shell terms, E_i > 3 keV, of fe_23-fe_25.drparams: alpha = T^-3/2 sum c_i exp(-E_i/T)).")
print("So inner-shell excitation and ionisation of the ions themselves -- the Fe K source of an ionising plasma --")
print("is missing for Fe I-XXIII. Estimate at kT = 5 keV (not added to the model):")
print("(a) K-shell ionisation of Fe I-XIX, Lotz's formula (Lotz 1968, Z. Phys. 216, 241: S = 6.7e-7 a q kT^-3/2 E1(x)/x")
print("    cm^3 s^-1, a = 4.5e-14 cm^2 eV^2, q = 2, x = I_K/kT, kT in eV) with I_K = 7.7 keV (1s binding of L-shell iron,")
print("    between neutral iron's 7.11 keV K edge and Fe XXIV's 8.68 keV 1s threshold in CHIANTI's fe_24.diparams;")
print("    7.4-8.0 keV changes the rate by +14% / -12%), times the Kalpha yield 1/(1 + 1.53) = 0.40 (Mendoza et al. 2004,")
print("    A&A 414, 377: KLL Auger / Kalpha widths = 1.53 +- 0.06 for Fe X-XVII; ions with M-shell electrons have")
print("    further Auger channels, so (a) is an upper estimate at tau <= 3e9); lines at 6.40-6.50 keV;")
print("(b) 1s-2p excitation of Fe XVIII-XXIII (1 ... 6 vacancies in 2p), per vacancy from Fe XXIV (six): its Fe K line")
print("    emissivity minus the dielectronic photons above, where positive, extrapolated to 5 keV with the excitation")
print("    form; median and range over the temperatures where f(Fe XXIV) >= 0.05. Lines at 6.5-6.65 keV.")
print("Fluxes relative to apec's Fe K line flux at 5 keV; 'represented': the Fe K line flux nei has (section 7).")
print()
from scipy.special import exp1  # noqa: E402
A_FE = ANGR[Z_FE]
KELVIN_PER_KEV = 1 / K_B


def k_core_dr(ion):
    """K-shell terms of CHIANTI's dielectronic fit for Fe ion `ion` (spectroscopic) recombining: [(E [K], c)]."""
    path = os.path.join(DATA, "atomic-rates", "chianti-v10.1", "fe", f"fe_{ion}", f"fe_{ion}.drparams")
    lines = open(path).read().split("\n")
    e = [float(x) for x in lines[1].split()[2:]]
    c = [float(x) for x in lines[2].split()[2:]]
    return [(ei, ci) for ei, ci in zip(e, c) if ei > 3.0 * KELVIN_PER_KEV and ci > 0]


def fe_k_emissivity(t, ion):
    L = COMPACT.lines[t]
    m = (L["Z"] == Z_FE) & (L["ion"] == ion) & (L["E"] > 6.3) & (L["E"] < 7.1)
    return float(L["eps"][m].sum())


print("AtomDB Fe K line emissivity of Fe XXII-XXIV against dielectronic photons through the 1s core (CHIANTI):")
print(f"{'kT [keV]':>9} " + " ".join(f"{'Fe ' + str(i) + ' share':>14}" for i in (22, 23, 24)))
x24 = []
for t in range(len(COMPACT.kT)):
    kt = COMPACT.kT[t]
    if not 1.0 <= kt <= 9.0:
        continue
    cells = []
    for ion in (22, 23, 24):
        eps = fe_k_emissivity(t, ion)
        temp = kt * KELVIN_PER_KEV
        dr = A_FE * RULE.fraction(t, Z_FE, ion) * temp ** -1.5 * sum(ci * np.exp(-ei / temp) for ei, ci in k_core_dr(ion + 1))
        cells.append(f"{dr / eps:14.2f}" if eps > 0 else f"{'-':>14}")
        if ion == 24 and eps > dr and RULE.fraction(t, Z_FE, 23) >= 0.05:
            # inner-shell excitation part per Fe XXIV ion, extrapolated to 5 keV (excitation form, E = 6.6 keV)
            x = (eps - dr) / RULE.fraction(t, Z_FE, 23) * np.sqrt(kt / 5.0) * np.exp(6.6 / kt - 6.6 / 5.0)
            x24.append(x)
    print(f"{kt:9.3f} " + " ".join(cells))
per_vacancy = np.array(x24) / 6
print(f"Fe XXIV inner-shell excitation at 5 keV per ion from {len(x24)} temperatures: median {np.median(x24):.2e} "
      f"(range {min(x24):.2e} - {max(x24):.2e}) photons cm^3 s^-1; per 2p vacancy {np.median(per_vacancy):.2e}.")
I_K = 7700.0
kt_ev = KT5 * 1000


def lotz(i_k):
    x_ = i_k / kt_ev
    return 6.7e-7 * 4.5 * 2 * kt_ev ** -1.5 * exp1(x_) / x_


s_k = lotz(I_K)
OMEGA = 1 / (1 + 1.53)
print(f"K-shell ionisation rate {s_k:.2e} cm^3 s^-1 per ion ({lotz(8000.0):.2e} - {lotz(7400.0):.2e} for I_K 8.0 - 7.4 keV); "
      f"Kalpha per unit Fe-ion population x A_Fe: {s_k * OMEGA * A_FE:.2e} photons cm^3 s^-1.")
VACANCIES = {18: 1, 19: 2, 20: 3, 21: 4, 22: 5, 23: 6}   # spectroscopic ion: 2p vacancies of its ground configuration
print(f"{'tau':>8} {'f(Fe<=XIX)':>11} {'(a) ionis.':>11} {'(b) 1s-2p':>22} {'represented':>12} {'line centroid':>14} {'with (a)+(b)':>13}")
for tau in TAUS:
    f = NEI5[tau][Z_FE]
    f_low = f[:19].sum()   # Fe I-XIX (charges 0-18)
    ionisation = A_FE * s_k * OMEGA * f_low
    vac = sum(n * f[ion - 1] for ion, n in VACANCIES.items())
    excitation = vac * per_vacancy
    k = nei_lines(KT5, NEI5[tau], EQ5, 6.3, 7.1)
    fek, _, _ = line_summary(k, Z_FE)
    total, _, centroid = line_summary(k)
    exc = np.median(excitation)
    missing = ionisation + exc
    # Kalpha of Fe I-XIX near 6.42 keV, 1s-2p lines of Fe XVIII-XXIII near 6.55 keV
    with_it = (centroid * total + 6.42 * ionisation + 6.55 * exc) / (total + missing) if total + missing > 0 else float("nan")
    exc_text = f"{exc / apec_fek_flux:.3f} ({excitation.min() / apec_fek_flux:.3f}-{excitation.max() / apec_fek_flux:.3f})"
    print(f"{tau:8.0e} {f_low:11.3f} {ionisation / apec_fek_flux:11.3f} {exc_text:>22} "
          f"{fek / apec_fek_flux:12.3f} {centroid:14.3f} {with_it:13.3f}")
