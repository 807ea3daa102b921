#!/usr/bin/env python3
"""Derive the embedded photo-absorption cross-section blob for tbabs, phabs and wabs.

Reads the cross-section tables of ../shared/data/absorption (from astromodels 2.6.0, BSD-3; computed
with XSPEC for each abundance table) and writes Sources/PerseusData/blobs/absorption_xsect.bin, which
Perseus embeds with .incbin (Sources/PerseusData/absorption_xsect.S) and decodes in
Sources/PerseusPhysics/Absorption/AbsorptionTables.swift.

Each table gives SIGMA on the same 10,000 log-spaced energies from 0.1 to 20 keV. SIGMA is in units of
1e-22 cm^2 per H atom (the header's TUNIT 'cm^2' is wrong): transmission = exp(-nH * SIGMA) with nH in
1e22 cm^-2. The values are copied unchanged (they are float32 in the FITS files and stay float32).

Above the last tabulated energy the cross section is continued by a power law sigma(E) = sigma_last *
(E / E_last)^slope. The slope is a least-squares fit of ln SIGMA against ln E over 14 keV to the last
tabulated energy (above the Fe and Ni K edges, so the photo-absorption falls smoothly); the law is
anchored at the last tabulated point so the cross section is continuous. The script prints each slope,
the fit's largest residual and the transmission deficit 1 - T at 20, 30 and 80 keV for nH = 1e21 cm^-2.

Blob layout (little endian):
  bytes 0-3    magic b"PXSA"
  u32          format version (1)
  u32          number of energies N
  u32          number of tables M
  f32[N]       energies [keV]
  M records:   char[16] name ("tbabs_wilm", NUL padded), char[8] abundance table ("wilm"),
               char[8] model ("tbabs"), f64 slope, f64 fit_low_keV, f64 max_fit_residual, f32[N] SIGMA

Usage: python3 scripts/derive_absorption.py [--data DIR] [--output FILE]
"""

import argparse
import pathlib
import struct
import sys

import numpy as np
from astropy.io import fits

TABLES = [
    # (model, abundance table, file)
    ("tbabs", "angr", "xsect_tbabs_angr.fits"),
    ("tbabs", "aspl", "xsect_tbabs_aspl.fits"),
    ("tbabs", "wilm", "xsect_tbabs_wilm.fits"),
    ("phabs", "angr", "xsect_phabs_angr.fits"),
    ("phabs", "aspl", "xsect_phabs_aspl.fits"),
    ("wabs", "angr", "xsect_wabs_angr.fits"),
]
FIT_LOW_KEV = 14.0


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(root.parent / "shared" / "data" / "absorption"))
    parser.add_argument("--output", default=str(root / "Sources" / "PerseusData" / "blobs" / "absorption_xsect.bin"))
    args = parser.parse_args()
    data = pathlib.Path(args.data)

    energies = None
    records = []
    for model, abund, filename in TABLES:
        path = data / filename
        with fits.open(path) as hdul:
            table = hdul[1].data
            e = np.asarray(table["ENERGY"], dtype=np.float32)
            s = np.asarray(table["SIGMA"], dtype=np.float32)
        if energies is None:
            energies = e
        elif not np.array_equal(energies, e):
            sys.exit(f"{path}: ENERGY column differs from {TABLES[0][2]}; expected one shared grid")
        if e.size < 2 or not np.all(np.diff(e.astype(np.float64)) > 0):
            sys.exit(f"{path}: ENERGY is not strictly increasing")
        if not np.all(np.isfinite(s)) or np.any(s <= 0):
            sys.exit(f"{path}: SIGMA has non-positive or non-finite values")

        e64, s64 = e.astype(np.float64), s.astype(np.float64)
        mask = e64 >= FIT_LOW_KEV
        slope, intercept = np.polyfit(np.log(e64[mask]), np.log(s64[mask]), 1)
        residual = np.abs(np.log(s64[mask]) - (slope * np.log(e64[mask]) + intercept)).max()
        records.append((model, abund, float(slope), float(residual), s))

        def sigma_ext(energy):
            return s64[-1] * (energy / e64[-1]) ** slope

        deficits = ", ".join(
            f"{E:g} keV: {1 - np.exp(-0.1 * sigma_ext(E)):.2e}" for E in (20.0, 30.0, 80.0)
        )
        print(f"{model}_{abund}: sigma(1 keV) = {np.interp(1.0, e64, s64):.4f}e-22 cm^2, "
              f"slope above {FIT_LOW_KEV:g} keV = {slope:.4f} (max |ln residual| {residual:.4f}); "
              f"1 - T at nH = 1e21 cm^-2: {deficits}")

    out = bytearray()
    out += b"PXSA"
    out += struct.pack("<III", 1, energies.size, len(records))
    out += energies.astype("<f4").tobytes()
    for model, abund, slope, residual, sigma in records:
        name = f"{model}_{abund}".encode()
        out += name.ljust(16, b"\0") + abund.encode().ljust(8, b"\0") + model.encode().ljust(8, b"\0")
        out += struct.pack("<ddd", slope, FIT_LOW_KEV, residual)
        out += sigma.astype("<f4").tobytes()

    output = pathlib.Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_suffix(".tmp")
    temporary.write_bytes(bytes(out))
    temporary.replace(output)
    print(f"wrote {output} ({len(out)} bytes, {len(records)} tables x {energies.size} energies "
          f"{energies[0]:.7g}-{energies[-1]:.7g} keV)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
