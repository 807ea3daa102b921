#!/usr/bin/env python3
"""Derive Perseus's embedded ionisation/recombination rate table (for the NEI solver).

Reads ../shared/data/atomic-rates (see its README) and writes
Sources/PerseusData/blobs/ionization_rates.bin, which the library decodes in
Sources/PerseusPhysics/Ionization/IonizationRateTable.swift.

Sources
-------
* rates/<el>.rts   CHIANTI 10 total ionisation (q -> q+1) and recombination (q+1 -> q) rate
                   coefficients [cm^3 s^-1], log10 T = 4.0 ... 8.0 in 0.1 steps, Z = 1 ... 30,
                   floored at 1e-30 (HYDRAD, MIT licence). Format: a label line "el+q", then 41
                   values; the first Z blocks are ionisation of charge q, the next Z blocks
                   recombination of charge q+1 into q (labelled with the product charge q).
                   The format is checked here against balances/<el>.bal: the equilibrium built
                   from the parsed rates reproduces the shipped balances to their 9 digits.
* chianti-v10.1/   CHIANTI 10.1 fit parameters (.diparams, .easplups, .rrparams, .drparams) for
                   H, He, C, N, O, Ne, Na, Mg, Al, Si, S, Ar, Ca, Fe, Ni, and chianti.ip.

What the blob holds
-------------------
For every element Z = 1 ... 30 and charge q = 0 ... Z-1, on log10 T = 4.0 ... 9.0 (51 nodes,
0.1 dex; 10^9 K = 86.2 keV, the top of the AtomDB apec tables):
  * the ground-state ionisation potential of charge q [eV] (chianti.ip),
  * ln S_q(T)      total ionisation rate coefficient q -> q+1 [cm^3 s^-1],
  * ln alpha_q(T)  total recombination rate coefficient q+1 -> q [cm^3 s^-1],
  * one byte per rate saying where the values above 1e8 K come from (see SOURCE_*).

Nodes at log T <= 8.0 are the CHIANTI 10 tables unchanged. Above 1e8 K (kT > 8.6 keV):
  * the 15 elements with CHIANTI 10.1 fits: the fits evaluated with CHIANTI's formulae
    (below), multiplied by the constant table/fit ratio at 1e8 K so the rates are continuous
    there. For ions whose data did not change between CHIANTI 10 and 10.1 that ratio is
    1 +- 1e-5 (the fits reproduce the tables to 1e-5 over 1e7-1e8 K);
  * the other 15 elements (Li, Be, B, F, P, Cl, K, Sc, Ti, V, Cr, Mn, Co, Cu, Zn): isoelectronic
    scaling. The rate's shape above 1e8 K is taken from the nearest lower and higher element
    with fits on the same isoelectronic sequence (geometric mean of both when both exist),
    evaluated at the scaled temperature T * I_ref/I (ionisation; I = ionisation potential) or
    T * (z_ref/z)^2 (recombination; z = charge of the recombining ion), and normalised to the
    table at 1e8 K. Leave-one-out on the fitted elements gives its accuracy (printed by
    --check). Ions with no isoelectronic reference (more than 28 electrons: Cu I, Zn I, Zn II)
    use the Lotz (1968) shape S ~ T^-1/2 E1(I/kT) for ionisation and a power law with the
    table's slope at 1e8 K, clamped to [-1.5, -0.5], for recombination; those ions have no
    population above 1e8 K.

Why pre-evaluate instead of shipping the fit parameters: one representation and one
interpolation scheme over the whole range; the continuity join and the isoelectronic
extrapolation need the fits of neighbouring elements anyway; and the library's per-temperature
cost is two cubic-spline evaluations per ion (no Gauss-Laguerre quadratures of spline-fitted
cross sections), which keeps the NEI solver inside its time budget. The fit formulae are
checked against the tables where both exist (--check, and a Swift test that calls
`fit_table_comparison`).

CHIANTI formulae implemented here (from the papers and the CHIANTI user guide; no code copied)
---------------------------------------------------------------------------------------------
Direct ionisation (Dere 2007, A&A 466, 771): per shell, Burgess-Tully scaled energy
  U = E/I, x = 1 - ln f / ln(U - 1 + f), scaled cross section Sigma = U sigma I^2 / (ln U + 1),
  tabulated at spline knots (Sigma in 1e-14 cm^2 eV^2) and interpolated with a natural cubic
  spline; rate = sqrt(8 kT / (pi m_e)) e^{-I/kT} Int_0^inf (I/kT + x) sigma(I + x kT) e^{-x} dx,
  by 12-point Gauss-Laguerre quadrature, summed over shells.
Excitation-autoionisation (Dere 2007): Maxwellian-averaged collision strengths Upsilon from
  Burgess-Tully scaled splines (types 1-6), rate = f_EA 8.63e-6 Upsilon e^{-dE/kT} / sqrt(T),
  with the branching factors f_EA from the .diparams file.
Radiative recombination: Badnell (2006) / Verner & Ferland (1996) form
  alpha = A / [sqrt(T/T0) (1 + sqrt(T/T0))^(1-B) (1 + sqrt(T/T1))^(1+B)], B -> B + C e^{-T2/T}
  for type 2; Shull & van Steenberg (1982) alpha = A (T/1e4)^-eta for type 3.
Dielectronic recombination: Badnell form alpha = T^-1.5 sum_i c_i e^{-E_i/T} (type 1);
  Shull & van Steenberg / Mazzotta form alpha = A T^-1.5 e^{-T0/T} (1 + B e^{-T1/T}) (type 2).
Zero-density rates (no DR suppression), as the tables.

Credits: CHIANTI (Dere et al. 1997, A&AS 125, 149; Del Zanna et al. 2021, ApJ 909, 38), freely
distributed; the rate tables from HYDRAD (Rice University Solar Physics Research Group; MIT licence, copied next to the
blob as Sources/PerseusData/blobs/LICENSE-HYDRAD).

Usage: python3 scripts/derive_ionization.py [--data DIR] [--out FILE] [--check]
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.special import exp1

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "atomic-rates"))
if not os.path.isdir(DEFAULT_DATA):
    DEFAULT_DATA = "/work/shared/data/atomic-rates"
DEFAULT_OUT = os.path.join(ROOT, "Sources", "PerseusData", "blobs", "ionization_rates.bin")

SYMBOLS = ["h", "he", "li", "be", "b", "c", "n", "o", "f", "ne", "na", "mg", "al", "si", "p",
           "s", "cl", "ar", "k", "ca", "sc", "ti", "v", "cr", "mn", "fe", "co", "ni", "cu", "zn"]
FIT_ELEMENTS = [1, 2, 6, 7, 8, 10, 11, 12, 13, 14, 16, 18, 20, 26, 28]

TABLE_LOGT = np.round(4.0 + 0.1 * np.arange(41), 10)
GRID_LOGT = np.round(4.0 + 0.1 * np.arange(51), 10)
JOIN_INDEX = 40                      # log T = 8.0
FLOOR = 1e-30

# Constants as CHIANTI's own rate routines use them (so that the fits reproduce CHIANTI's
# tables to their printed precision rather than to the 5e-5 by which CODATA 2018 values differ).
K_B_ERG = 1.380626e-16               # erg / K
K_B_EV = 8.617343e-5                 # eV / K
RYDBERG_EV = 13.6056981              # eV
CM1_PER_EV = 8065.54465              # cm^-1 per eV (chianti.ip is in cm^-1)
MAXWELL_PREFACTOR = 5.287e13         # sqrt(8 / (pi m_e)) in cgs
UPSILON_RATE = 8.63e-6               # rate = C Upsilon e^{-dE/kT} / (w sqrt T), C in cgs
GL_X, GL_W = np.polynomial.laguerre.laggauss(12)

SOURCE_TABLE_ONLY = 0      # never used above 1e8 (not written)
SOURCE_CHIANTI_FIT = 1     # CHIANTI 10.1 fit, continuity-scaled at 1e8 K
SOURCE_ISOELECTRONIC = 2   # isoelectronic scaling of neighbouring fits
SOURCE_ASYMPTOTIC = 3      # Lotz shape (ionisation) / clamped power law (recombination)


class FormatError(Exception):
    pass


# ----------------------------------------------------------------------------- parsing

def read_rts(data, z):
    """Returns (S[z, 41], alpha[z, 41]) from rates/<el>.rts, checking labels and counts."""
    path = os.path.join(data, "rates", SYMBOLS[z - 1] + ".rts")
    blocks = []
    with open(path) as fh:
        for lineno, line in enumerate(fh, 1):
            s = line.strip()
            if not s:
                continue
            if s[0].isalpha():
                blocks.append((s, []))
            else:
                if not blocks:
                    raise FormatError(f"{path}:{lineno}: values before the first label")
                try:
                    blocks[-1][1].extend(float(v) for v in s.split())
                except ValueError as e:
                    raise FormatError(f"{path}:{lineno}: {e}")
    expected = [f"{SYMBOLS[z - 1]}+{q}" for q in range(z)] * 2
    labels = [b[0] for b in blocks]
    if labels != expected:
        raise FormatError(f"{path}: labels {labels} but expected {expected}")
    for label, values in blocks:
        if len(values) != 41:
            raise FormatError(f"{path}: block {label} has {len(values)} values, expected 41")
        if min(values) < FLOOR * (1 - 1e-9):
            raise FormatError(f"{path}: block {label} has a value below the 1e-30 floor")
    s = np.array([b[1] for b in blocks[:z]])
    a = np.array([b[1] for b in blocks[z:]])
    return s, a


def read_balance(data, z):
    path = os.path.join(data, "balances", SYMBOLS[z - 1] + ".bal")
    arr = np.loadtxt(path)
    if arr.shape != (41, z + 2):
        raise FormatError(f"{path}: shape {arr.shape}, expected (41, {z + 2})")
    if np.abs(arr[:, 0] - TABLE_LOGT).max() > 1e-6:
        raise FormatError(f"{path}: first column is not log T = 4.0 ... 8.0")
    return arr[:, 1:]


def read_ip(data):
    """Ionisation potentials [eV] keyed by (Z, spectroscopic stage)."""
    path = os.path.join(data, "chianti-v10.1", "ip", "chianti.ip")
    ip = {}
    with open(path) as fh:
        for line in fh:
            v = line.split()
            if not v or v[0] == "-1":
                break
            ip[(int(v[0]), int(v[1]))] = float(v[2]) / CM1_PER_EV
    return ip


def read_ioneq(data):
    path = os.path.join(data, "chianti-v10.1", "ioneq", "chianti.ioneq")
    with open(path) as fh:
        lines = fh.read().split("\n")
    nt, nz = (int(v) for v in lines[0].split())
    logt = np.array([float(v) for v in lines[1].split()])
    if len(logt) != nt:
        raise FormatError(f"{path}: {len(logt)} temperatures, header says {nt}")
    out = {}
    for line in lines[2:]:
        if not line.strip() or line.split()[0] == "-1":
            break
        # fixed-width (2i3, 101e10.3): three-digit exponents leave no blank between fields
        body = line[6:]
        vals = [float(body[10 * i:10 * i + 10]) for i in range(nt)]
        out[(int(line[0:3]), int(line[3:6]))] = np.array(vals)
    return logt, out


def chianti_path(data, z, stage, ext):
    el = SYMBOLS[z - 1]
    return os.path.join(data, "chianti-v10.1", el, f"{el}_{stage}", f"{el}_{stage}.{ext}")


def _floats(line):
    return [float(v) for v in line.split()]


def read_diparams(data, z, stage):
    """Direct-ionisation shells [(f, x knots, I [eV], scaled sigma knots [cm^2 eV^2])] and the
    excitation-autoionisation branching factors. The knot count is taken from the lines
    themselves: fe_11.diparams (a 2022 update) says 9 in its header but lists 11 knots."""
    path = chianti_path(data, z, stage, "diparams")
    with open(path) as fh:
        lines = fh.read().split("\n")
    head = [int(v) for v in lines[0].split()]
    if len(head) != 5 or head[0] != z or head[1] != stage:
        raise FormatError(f"{path}: header {lines[0]!r}")
    nfac, neaev = head[3], head[4]
    shells = []
    for i in range(nfac):
        xs = _floats(lines[1 + 2 * i])
        ys = _floats(lines[2 + 2 * i])
        if len(xs) != len(ys) or len(xs) < 4:
            raise FormatError(f"{path}: shell {i} has {len(xs)} x and {len(ys)} y values")
        shells.append((xs[0], np.array(xs[1:]), ys[0], np.array(ys[1:]) * 1e-14))
    ea = []
    if neaev:
        ea = _floats(lines[1 + 2 * nfac])
        if len(ea) != neaev:
            raise FormatError(f"{path}: {len(ea)} EA factors, header says {neaev}")
    return shells, ea


def read_easplups(data, z, stage):
    path = chianti_path(data, z, stage, "easplups")
    out = []
    with open(path) as fh:
        for line in fh:
            if line.strip().startswith("-1"):
                break
            v = line.split()
            # Z, ion, lower level, upper level, type, gf, dE [Ryd], C, spline knots
            out.append((int(v[4]), float(v[6]), float(v[7]), np.array([float(x) for x in v[8:]])))
    if not out:
        raise FormatError(f"{path}: no transitions")
    return out


def read_rrparams(data, z, stage):
    path = chianti_path(data, z, stage, "rrparams")
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        lines = fh.read().split("\n")
    kind = int(lines[0])
    v = _floats(lines[1])
    if kind == 1:
        return (1, v[3], v[4], v[5], v[6], 0.0, 0.0)
    if kind == 2:
        return (2, v[3], v[4], v[5], v[6], v[7], v[8])
    if kind == 3:
        return (3, v[2], v[3])
    raise FormatError(f"{path}: unknown radiative-recombination type {kind}")


def read_drparams(data, z, stage):
    path = chianti_path(data, z, stage, "drparams")
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        lines = fh.read().split("\n")
    kind = int(lines[0])
    if kind == 1:
        e = np.array(_floats(lines[1])[2:])
        c = np.array(_floats(lines[2])[2:])
        if len(e) != len(c):
            raise FormatError(f"{path}: {len(e)} energies and {len(c)} coefficients")
        return (1, e, c)
    if kind == 2:
        return (2,) + tuple(_floats(lines[1])[2:6])
    raise FormatError(f"{path}: unknown dielectronic-recombination type {kind}")


# ----------------------------------------------------------------------------- CHIANTI formulae

class ChiantiFits:
    """Total ionisation and recombination rate coefficients from the CHIANTI 10.1 fits."""

    def __init__(self, data):
        self.data = data
        self._cache = {}

    def _params(self, z, stage):
        key = (z, stage)
        if key not in self._cache:
            di = read_diparams(self.data, z, stage) if stage <= z else None
            ea = None
            if di and di[1]:
                ea = read_easplups(self.data, z, stage)
            rr = read_rrparams(self.data, z, stage) if stage > 1 else None
            dr = read_drparams(self.data, z, stage) if stage > 1 else None
            splines = None
            if di:
                splines = [CubicSpline(xk, yk, bc_type="natural") for (_, xk, _, yk) in di[0]]
            easp = None
            if ea:
                easp = [CubicSpline(np.linspace(0, 1, len(k)), k, bc_type="natural") for (_, _, _, k) in ea]
            self._cache[key] = (di, splines, ea, easp, rr, dr)
        return self._cache[key]

    def ionization(self, z, q, t):
        """S for charge q -> q+1 at temperature t [K]."""
        di, splines, ea, easp, _, _ = self._params(z, q + 1)
        kt = K_B_EV * t
        rate = 0.0
        for (f, _, ev1, _), spl in zip(di[0], splines):
            x0 = ev1 / kt
            e = ev1 + GL_X * kt
            u = e / ev1
            xs = 1.0 - math.log(f) / np.log(u - 1.0 + f)
            sigma = (np.log(u) + 1.0) * spl(xs) / (u * ev1 * ev1)
            rate += MAXWELL_PREFACTOR * math.sqrt(K_B_ERG * t) * math.exp(-x0) * (
                np.sum(GL_W * GL_X * sigma) + x0 * np.sum(GL_W * sigma))
        if ea:
            factors = di[1] if len(di[1]) == len(ea) else [di[1][0]] * len(ea)
            for (kind, de, c, _), spl, fea in zip(ea, easp, factors):
                kte = kt / (de * RYDBERG_EV)
                if kind in (1, 4):
                    xt = 1.0 - math.log(c) / math.log(kte + c)
                else:
                    xt = kte / (kte + c)
                s = float(spl(xt))
                ups = {1: lambda: s * math.log(kte + math.e), 2: lambda: s, 3: lambda: s / (kte + 1.0),
                       4: lambda: s * math.log(kte + c), 5: lambda: s / kte, 6: lambda: 10.0 ** s}[kind]()
                rate += fea * UPSILON_RATE * max(ups, 0.0) * math.exp(-1.0 / kte) / math.sqrt(t)
        return rate

    def recombination(self, z, q, t):
        """alpha for charge q+1 -> q at temperature t [K] (radiative + dielectronic)."""
        _, _, _, _, rr, dr = self._params(z, q + 2)
        rate = 0.0
        if rr is not None:
            if rr[0] in (1, 2):
                _, a, b, t0, t1, c, t2 = rr
                if rr[0] == 2:
                    b = b + c * math.exp(-t2 / t)
                st0, st1 = math.sqrt(t / t0), math.sqrt(t / t1)
                rate += a / (st0 * (1 + st0) ** (1 - b) * (1 + st1) ** (1 + b))
            else:
                rate += rr[1] * (t / 1e4) ** (-rr[2])
        if dr is not None:
            if dr[0] == 1:
                rate += float(np.sum(dr[2] * np.exp(-dr[1] / t))) * t ** -1.5
            else:
                _, a, b, t0, t1 = dr
                rate += a * math.exp(-t0 / t) * (1 + b * math.exp(-t1 / t)) * t ** -1.5
        return rate


# ----------------------------------------------------------------------------- building the grid

def equilibrium(s, a):
    """Equilibrium fractions (neutral first) from detailed balance f_{q+1}/f_q = S_q/alpha_q."""
    lr = np.concatenate([[0.0], np.cumsum(np.log(s) - np.log(a))])
    p = np.exp(lr - lr.max())
    return p / p.sum()


def iso_references(z, electrons):
    """Nearest lower and higher elements with fits that have an ion with `electrons` electrons."""
    cand = [r for r in FIT_ELEMENTS if r != z and r >= electrons]
    lo = [r for r in cand if r < z]
    hi = [r for r in cand if r > z]
    return ([max(lo)] if lo else []) + ([min(hi)] if hi else [])


def iso_shape_ionization(fits, ip, refs, electrons, ion_ip, temps, exclude=None):
    logs = []
    for r in refs:
        qr = r - electrons
        scale = ip[(r, qr + 1)] / ion_ip
        base = fits.ionization(r, qr, 1e8 * scale)
        logs.append([math.log(fits.ionization(r, qr, t * scale) / base) for t in temps])
    return np.exp(np.mean(logs, axis=0))


def iso_shape_recombination(fits, refs, electrons, charge, temps):
    logs = []
    for r in refs:
        qr = r - electrons              # product charge of the reference
        scale = ((qr + 1) / charge) ** 2
        base = fits.recombination(r, qr, 1e8 * scale)
        logs.append([math.log(fits.recombination(r, qr, t * scale) / base) for t in temps])
    return np.exp(np.mean(logs, axis=0))


def lotz_shape(ion_ip, temps):
    def g(t):
        return t ** -0.5 * exp1(ion_ip / (K_B_EV * t))
    return np.array([g(t) / g(1e8) for t in temps])


def build(data):
    fits = ChiantiFits(data)
    ip = read_ip(data)
    high_t = 10.0 ** GRID_LOGT[JOIN_INDEX:]
    elements = []
    for z in range(1, 31):
        s_tab, a_tab = read_rts(data, z)
        bal = read_balance(data, z)
        eq = np.array([equilibrium(s_tab[:, i], a_tab[:, i]) for i in range(41)])
        dev = np.abs(eq - bal).max()
        if dev > 2e-9:
            raise FormatError(f"{SYMBOLS[z-1]}: parsed rates do not reproduce the balances ({dev:.2e})")
        s = np.zeros((z, 51))
        a = np.zeros((z, 51))
        s[:, :41] = s_tab
        a[:, :41] = a_tab
        src_s = np.zeros(z, dtype=np.uint8)
        src_a = np.zeros(z, dtype=np.uint8)
        ips = np.array([ip[(z, q + 1)] for q in range(z)])
        for q in range(z):
            electrons = z - q
            if z in FIT_ELEMENTS:
                fs = np.array([fits.ionization(z, q, t) for t in high_t])
                fa = np.array([fits.recombination(z, q, t) for t in high_t])
                s[q, 40:] = fs * (s_tab[q, 40] / fs[0])
                a[q, 40:] = fa * (a_tab[q, 40] / fa[0])
                src_s[q] = src_a[q] = SOURCE_CHIANTI_FIT
                continue
            refs = iso_references(z, electrons)
            if refs:
                s[q, 40:] = s_tab[q, 40] * iso_shape_ionization(fits, ip, refs, electrons, ips[q], high_t)
                src_s[q] = SOURCE_ISOELECTRONIC
            else:
                s[q, 40:] = s_tab[q, 40] * lotz_shape(ips[q], high_t)
                src_s[q] = SOURCE_ASYMPTOTIC
            # recombination q+1 -> q: product has `electrons` electrons, recombining charge q+1
            if refs:
                a[q, 40:] = a_tab[q, 40] * iso_shape_recombination(fits, refs, electrons, q + 1, high_t)
                src_a[q] = SOURCE_ISOELECTRONIC
            else:
                slope = np.clip(math.log10(a_tab[q, 40] / a_tab[q, 39]) / 0.1, -1.5, -0.5)
                a[q, 40:] = a_tab[q, 40] * 10.0 ** (slope * (GRID_LOGT[40:] - 8.0))
                src_a[q] = SOURCE_ASYMPTOTIC
        if not (np.all(np.isfinite(s)) and np.all(np.isfinite(a)) and s.min() > 0 and a.min() > 0):
            raise FormatError(f"{SYMBOLS[z-1]}: non-positive or non-finite extended rate")
        elements.append(dict(z=z, ip=ips, s=s, a=a, src_s=src_s, src_a=src_a))
    return elements


MAGIC = b"PNEIRATE"
VERSION = 1


def write_blob(elements, out):
    """Layout (little endian):
    magic "PNEIRATE" | u32 version | u32 element count (30) | u32 node count (51) | u32 0 |
    f64 log10 T of the first node | f64 node spacing in log10 T |
    for Z = 1 ... 30: f64 IP[Z] (eV) | f64 ln S[Z][51] | f64 ln alpha[Z][51]
    then for Z = 1 ... 30: u8 source of S above 1e8 K [Z] | u8 source of alpha [Z]."""
    buf = bytearray()
    buf += MAGIC
    buf += struct.pack("<IIII", VERSION, len(elements), 51, 0)
    buf += struct.pack("<dd", 4.0, 0.1)
    for e in elements:
        buf += struct.pack(f"<{e['z']}d", *e["ip"])
        buf += struct.pack(f"<{e['z'] * 51}d", *np.log(e["s"]).ravel())
        buf += struct.pack(f"<{e['z'] * 51}d", *np.log(e["a"]).ravel())
    for e in elements:
        buf += bytes(e["src_s"]) + bytes(e["src_a"])
    tmp = out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(buf)
    os.replace(tmp, out)
    return len(buf)


# ----------------------------------------------------------------------------- checks

def fit_table_comparison(data, logt_min=7.0, significant=1e-25):
    """Relative deviation of the CHIANTI 10.1 fits from the CHIANTI 10 tables over
    log T = logt_min ... 8.0, per element; ions whose deviation exceeds 1e-3 are listed
    (their data were revised for 10.1)."""
    fits = ChiantiFits(data)
    report = {}
    for z in FIT_ELEMENTS:
        s_tab, a_tab = read_rts(data, z)
        worst = 0.0
        revised = []
        for q in range(z):
            ds = da = 0.0
            for i in range(41):
                if TABLE_LOGT[i] < logt_min - 1e-9:
                    continue
                t = 10.0 ** TABLE_LOGT[i]
                if s_tab[q, i] > significant:
                    ds = max(ds, abs(fits.ionization(z, q, t) / s_tab[q, i] - 1))
                da = max(da, abs(fits.recombination(z, q, t) / a_tab[q, i] - 1))
            for kind, d in (("ionization", ds), ("recombination", da)):
                if d > 1e-3:
                    revised.append(dict(charge=q, rate=kind, deviation=d))
                else:
                    worst = max(worst, d)
        report[SYMBOLS[z - 1]] = dict(z=z, max_deviation_unrevised=worst, revised=revised)
    return report


def check(data, elements):
    fits = ChiantiFits(data)
    ip = read_ip(data)
    print("1. CHIANTI 10.1 fits vs CHIANTI 10 tables, log T 7.0-8.0 (rates > 1e-25):")
    rep = fit_table_comparison(data)
    for el, r in rep.items():
        rev = ", ".join(f"{x['rate'][:3]} q={x['charge']} {x['deviation']:.3f}" for x in r["revised"])
        print(f"   {el:2s} max |fit/table-1| = {r['max_deviation_unrevised']:.1e}"
              + (f"; revised in 10.1: {rev}" if rev else ""))

    print("2. Join at 1e8 K: above it the fits are scaled by table/fit at 1e8 K (continuous values).")
    print("   Ions listed in 1. (data revised in 10.1, or CHIANTI totals from .trparams files not in")
    print("   this set) get a factor != 1 and a change of log-log slope at the join:")
    revised = {(r["z"], x["charge"], x["rate"]) for r in rep.values() for x in r["revised"]}
    worst_factor = 0.0
    worst_slope = {True: 0.0, False: 0.0}
    for e in elements:
        z = e["z"]
        if z not in FIT_ELEMENTS:
            continue
        for q in range(z):
            for kind, arr, f in (("ionization", e["s"], fits.ionization), ("recombination", e["a"], fits.recombination)):
                if arr[q, 40] < 1e-20:
                    continue
                r = arr[q, 40] / f(z, q, 1e8)
                mismatch = abs(math.log10(arr[q, 40] / arr[q, 39]) / 0.1
                               - math.log10(f(z, q, 1e8) / f(z, q, 10 ** 7.9)) / 0.1)
                is_rev = (z, q, kind) in revised
                worst_slope[is_rev] = max(worst_slope[is_rev], mismatch)
                if is_rev:
                    print(f"   {SYMBOLS[z-1]} q={q} {kind[:3]}: factor {r:.3f}, slope change {mismatch:.3f}")
                else:
                    worst_factor = max(worst_factor, abs(r - 1))
    print(f"   all other ions: max |factor - 1| = {worst_factor:.1e}, max slope change {worst_slope[False]:.1e}")

    print("3. Isoelectronic extrapolation, leave-one-out on the fitted elements (max |rel. error|):")
    temps = 10.0 ** GRID_LOGT[40:]
    for z in [6, 8, 11, 12, 13, 14, 16, 18, 20, 26, 28]:
        wi = [0.0, 0.0]
        wr = 0.0
        for q in range(z):
            electrons = z - q
            refs = iso_references(z, electrons)
            if not refs:
                continue
            true_s = np.array([fits.ionization(z, q, t) for t in temps])
            pred_s = true_s[0] * iso_shape_ionization(fits, ip, refs, electrons, ip[(z, q + 1)], temps)
            err = np.abs(pred_s / true_s - 1)
            wi[0] = max(wi[0], err[:5].max())
            wi[1] = max(wi[1], err.max())
            true_a = np.array([fits.recombination(z, q, t) for t in temps])
            s_next = np.array([fits.ionization(z, q + 1, t) for t in temps]) if q + 1 < z else None
            relevant = s_next is None or (true_a / s_next).max() > 1e-3
            if relevant:
                pred_a = true_a[0] * iso_shape_recombination(fits, refs, electrons, q + 1, temps)
                wr = max(wr, np.abs(pred_a / true_a - 1).max())
        print(f"   {SYMBOLS[z-1]:2s} ionisation {wi[0]:.3f} (to 2.5e8 K) {wi[1]:.3f} (to 1e9 K); "
              f"recombination {wr:.3f} (ions where alpha_q/S_q+1 > 1e-3)")

    print("4. Interpolation error at grid mid-points (natural cubic spline; ionisation in "
          "ln S + I/kT, recombination in ln alpha), against the fits, rates > 1e-20:")
    mid = GRID_LOGT[:-1] + 0.05
    for z in [6, 8, 14, 26, 28]:
        es = ea = ea_low = 0.0
        for q in range(z):
            i0 = ip[(z, q + 1)]
            sv = np.array([fits.ionization(z, q, 10 ** x) for x in GRID_LOGT])
            sm = np.array([fits.ionization(z, q, 10 ** x) for x in mid])
            k = int(np.argmax(sv >= FLOOR))
            g = np.log(sv[k:]) + i0 / (K_B_EV * 10 ** GRID_LOGT[k:])
            cs = CubicSpline(GRID_LOGT[k:], g, bc_type="natural")
            ok = (sm > 1e-20) & (mid > GRID_LOGT[k])
            if ok.any():
                gm = np.log(sm[ok]) + i0 / (K_B_EV * 10 ** mid[ok])
                es = max(es, np.abs(np.exp(cs(mid[ok]) - gm) - 1).max())
            av = np.array([fits.recombination(z, q, 10 ** x) for x in GRID_LOGT])
            am = np.array([fits.recombination(z, q, 10 ** x) for x in mid])
            cs = CubicSpline(GRID_LOGT, np.log(av), bc_type="natural")
            err = np.abs(np.exp(cs(mid)) / am - 1)
            ea = max(ea, err[mid > 5.5].max())
            ea_low = max(ea_low, err[mid < 5.5].max())
        print(f"   {SYMBOLS[z-1]:2s} ionisation {es:.1e}; recombination {ea:.1e} (log T > 5.5), "
              f"{ea_low:.1e} (log T < 5.5, dielectronic onsets)")

    print("5. Equilibrium from the embedded rates vs CHIANTI 10.1 chianti.ioneq (max |diff|):")
    logt_ieq, ieq = read_ioneq(data)
    for e in elements:
        z = e["z"]
        lo = hi = 0.0
        for i, x in enumerate(GRID_LOGT):
            j = int(np.argmin(np.abs(logt_ieq - x)))
            ref = np.array([ieq[(z, st)][j] for st in range(1, z + 2)])
            d = np.abs(equilibrium(e["s"][:, i], e["a"][:, i]) - ref).max()
            if x <= 8.0 + 1e-9:
                lo = max(lo, d)
            else:
                hi = max(hi, d)
        print(f"   {SYMBOLS[z-1]:2s} log T <= 8: {lo:.3f}   log T > 8: {hi:.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=DEFAULT_DATA, help="the atomic-rates folder")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="print the validation report")
    ap.add_argument("--json-fit-comparison", action="store_true",
                    help="print fit_table_comparison() as JSON and exit (used by the Swift tests)")
    args = ap.parse_args()
    if args.json_fit_comparison:
        print(json.dumps(fit_table_comparison(args.data)))
        return
    elements = build(args.data)
    n = write_blob(elements, args.out)
    print(f"wrote {args.out} ({n} bytes)")
    if args.check:
        check(args.data, elements)


if __name__ == "__main__":
    try:
        main()
    except FormatError as e:
        sys.exit(f"derive_ionization.py: error: {e}")
