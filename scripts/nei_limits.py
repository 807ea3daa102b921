#!/usr/bin/env python3
"""Measures, from the real tables, the three limits of Perseus's `nei` (documented in
Sources/PerseusPhysics/NEI/Nei.swift): it rescales AtomDB 3.0.9's *equilibrium* line
emissivities ion by ion with f_NEI/f_eq from the CHIANTI 10 rates, and keeps the equilibrium
continuum.

Reads ../shared/data (never needed at run time):
  atomdb/apec_v3.0.9_line.fits, atomdb/apec_v3.0.9_coco.fits  (AtomDB 3.0.9)
  atomic-rates/rates/fe.rts, atomic-rates/balances/fe.bal       (CHIANTI 10 via HYDRAD)

Temperatures are taken at the rate-table nodes log10 T = 7.0 ... 8.0, which are also AtomDB's
tabulated temperatures, so no interpolation enters. The NEI populations are exp(A tau) from the
neutral state with scipy's expm on the node rates (what IonizationSolver computes at a node).

1. Populations: for iron at kT and tau, the share of iron in ions that the equilibrium table
   barely lists at kT (fewer than 20 lines, or none in the Fe K band 6.3-7.1 keV) -- their line
   emission is missing from `nei`.
2. Apparent per-ion emissivity: the ratio form assumes that an ion's tabulated emissivity is
   its CHIANTI equilibrium population times a smooth per-ion emissivity P_i(T). The script
   computes P_i(T) = sum_lines eps * exp(E/kT) * sqrt(T) / f_i(T) (Boltzmann factor and the
   T^-1/2 of collisional excitation removed) relative to its value where f_i peaks. Consistent
   balances and purely excitation-driven lines would give values near 1 (collision strengths vary
   slowly); departures measure the balance mismatch between AtomDB and CHIANTI together with the
   lines an ion emits on behalf of its neighbours (recombination, inner-shell ionisation), both
   of which the ratio form mis-scales out of equilibrium.
3. Continuum: the metals' (Z >= 3) share of the continuum and of the pseudo-continuum, and the
   metal continuum's share of the whole apec spectrum (lines included), in 1.8-9 keV for kT
   1-10 keV -- the scale of the error of keeping the equilibrium continuum.

Usage: python3 scripts/nei_limits.py [DATA_DIR]   (default ../shared/data)
"""
import os
import re
import sys

import numpy as np
from astropy.io import fits
from scipy.linalg import expm

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"
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
print("## 1. Iron populations the equilibrium table cannot show")
print("Share of iron (by number) in ions with < 20 lines listed at kT, and in ions with no line in 6.3-7.1 keV")
print("(the bare nucleus, which has no lines by nature, is not counted).")
print(f"{'kT [keV]':>9} {'tau':>8} {'<20 lines':>10} {'no Fe K':>8}  dominant ions (spectroscopic: fraction)")
for logt in [7.0, 7.3, 7.5, 7.7, 7.8, 8.0]:
    i = record(logt)
    energies, ions, _ = iron_lines(i)
    count = np.array([np.sum(ions == q + 1) for q in range(Z_FE + 1)])
    fek = np.array([np.sum((ions == q + 1) & (energies > 6.3) & (energies < 7.1)) for q in range(Z_FE + 1)])
    for tau in [1e9, 1e10, 1e11, 1e12]:
        f = nei_fractions(logt, tau)
        # the bare nucleus has no lines by nature: not counted as missing
        few = f[:Z_FE][count[:Z_FE] < 20].sum()
        nofek = f[:Z_FE][fek[:Z_FE] == 0].sum()
        top = np.argsort(f)[::-1][:3]
        dominant = ", ".join(f"Fe {q + 1}: {f[q]:.2f}" for q in top)
        print(f"{KT[i]:9.3f} {tau:8.0e} {few:10.2f} {nofek:8.2f}  {dominant}")

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
