#!/usr/bin/env python3
"""Derive the embedded NuSTAR FPMA background model (Wik et al. 2014, ApJ 792, 48) from the presets of
nuskybgd-py (NuSTAR/nuskybgd-py, MIT; ../shared/data/nustar-background).

Writes two files into Responses/, embedded by Sources/PerseusData/responses.S and read by
Sources/PerseusInstruments/Background/:

  nustar-fpma-background.yaml  the spectral presets (ratios.json, module A) and every constant of the
                               normalisation rules below, human-readable;
  nustar-fpma-background.bin   the aperture (stray-light) image on the 360 x 360 DET1 grid and the two
                               effective-area curves (be.arf, fcxbA.arf) on the RMF's 4096 energy bins.

The four components and their normalisations for an extraction region (what nuskybgd-py's preset
normalisations of a reference spectrum are, nuskybgd/model.py; Perseus applies them to a region on the
DET1 grid at a fixed pointing, without aspect dithering):

  aperture     cutoffpl (PhoIndex 1.29, HighECut 41.13 keV) through the RMF x be.arf (Be-shield
               transmission). norm = 0.002353 / 32 x (sum of the aperture image over the region).
  fcxb         focused cosmic X-ray background: cutoffpl (same shape) through the RMF x fcxbA.arf.
               norm = 0.002353 x 1.5 x (2.45810736 / 3600 x 1000)^2 x BACKSCAL, BACKSCAL = (region pixels
               on the detectors) / 1000^2.
  lines        instrumental lines and solar reflection: apec (kT 1.14579 keV, abundance 1.32692, z 0)
               plus 29 Lorentzian lines (LineE, Width), through the RMF alone (1 cm^2). Each of the 30
               components has one factor per detector DET0..3 ('ifactors'); norm = sum_d factor_d A_d / A_ref,
               A_d = region pixels on detector d, A_ref = 25 arcmin^2 = 25 x 599.75 pixels. (nuskybgd-py's
               preset for a reference spectrum is the area-weighted mean sum_d factor_d A_d / sum_d A_d, which
               does not grow with the region; nuskybgd-py converts the continuum factors of the original IDL
               nuskybgd, which were such region means too, to per-arcmin^2 factors by dividing by exactly 25
               (e.g. 5.66517e-4 / 2.26607e-5 = 25.000), i.e. it takes those presets to describe a 25 arcmin^2
               region. Perseus applies the same reference area to the lines so that every component scales
               with the region: for a 25 arcmin^2 region the norms equal nuskybgd-py's preset.)
  continuum    instrumental continuum: bknpower (PhoIndx1 -0.05, BreakE 124 keV, PhoIndx2 -0.85) through
               diag.rmf (the identity: energy bin i -> channel i, 1 cm^2). norm = sum_d factor_d A_d / 599.75
               (nuskybgd-py: '1 arcmin^2 = 599.75 px').

The aperture image: nuskybgd-py (nuskybgd/image.py, get_aperture_image) shifts detA_det1.img (576 x 576)
by the module's offsets of nomapbgdparams.dat (x -3.4 mm, y 2.0 mm; 0.12096 mm per DET1 pixel) with
bilinear interpolation (periodic edges), rotates it by the module rotation (0 for A), scales it by
3.1865e-5 x 0.32 x 0.12096^2 (0.32 = the A normalisation, 10-15 keV cts/deg^2/mm^2/1e5 s), crops pixels
108..467 on both axes and adds 0.00495 x 0.7 per pixel. This script does exactly that (scipy.ndimage.shift,
order 1, mode 'grid-wrap').

Detector layout (an assumption: the CALDB instrument map is not part of the reference data): the focal
plane is a 2 x 2 array of 32 x 32 pixels of 0.6048 mm = 160 x 160 DET1 pixels each, centred on DET1
(180, 180) (pixel (i, j) covers [i, i+1) x [j, j+1)), DET0 at x >= 180, y >= 180, DET1 at x < 180,
y >= 180, DET2 at x < 180, y < 180, DET3 at x >= 180, y < 180. The default region, a circle of 4 arcmin
radius centred on (180, 180), covers the four detectors equally, so its normalisations do not depend on
the numbering.

.bin layout (little endian): char[4] "PNBG"; u32 version (1); u32 image width W; u32 height H;
u32 number of energy bins N; f32[W*H] aperture image (row y, then x); f32[N] ENERG_LO; f32[N] ENERG_HI;
f32[N] be.arf SPECRESP; f32[N] fcxbA.arf SPECRESP.

Usage: python3 scripts/derive_nustar_background.py [--data DIR] [--rmf FILE] [--output DIR]
"""

import argparse
import json
import pathlib
import struct
import sys

import numpy as np
from astropy.io import fits
from scipy import ndimage

PIXEL_MM = 0.12096
PIXEL_ARCSEC = 2.45810736


def read_params(path):
    values = []
    for line in pathlib.Path(path).read_text().splitlines():
        text = line.split("#")[0].strip()
        if text:
            values.append(float(text))
    return values


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(root.parent / "shared" / "data" / "nustar-background"))
    parser.add_argument("--rmf", default=str(root.parent / "shared" / "data" / "responses" / "nustar" / "nustar_fpma.rmf"))
    parser.add_argument("--output", default=str(root / "Responses"))
    args = parser.parse_args()
    data = pathlib.Path(args.data)
    out = pathlib.Path(args.output)

    params = read_params(data / "nomapbgdparams.dat")
    norm_a, shift_x_mm, shift_y_mm, rotation = params[0], params[4], params[5], params[6]
    if rotation != 0:
        raise SystemExit("module A rotation is %g; this script implements rotation 0 only" % rotation)

    with fits.open(data / "detA_det1.img.gz") as hdus:
        image = np.asarray(hdus[0].data, dtype=np.float64)
    shifted = ndimage.shift(image, [shift_y_mm / PIXEL_MM, shift_x_mm / PIXEL_MM], order=1, mode="grid-wrap",
                            prefilter=False)
    aperture = 3.1865e-5 * norm_a * PIXEL_MM * PIXEL_MM * shifted
    aperture = aperture[108:468, 108:468] + 0.00495 * 0.7

    # Energy grid: diag.rmf's, which must be the FPMA RMF's (the ARFs' own ENERG columns are rounded).
    with fits.open(data / "diag.rmf") as hdus:
        diag = hdus["MATRIX"].data
        elo = np.asarray(diag["ENERG_LO"], dtype=np.float32)
        ehi = np.asarray(diag["ENERG_HI"], dtype=np.float32)
        if not (np.all(diag["N_GRP"] == 1) and np.all(np.asarray(diag["F_CHAN"]).ravel() == np.arange(len(diag)))
                and np.all(np.asarray(diag["MATRIX"]).ravel() == 1)):
            raise SystemExit("diag.rmf is not the identity matrix this script assumes")
    with fits.open(args.rmf) as hdus:
        rmf = hdus["MATRIX"].data
        if not (np.array_equal(np.asarray(rmf["ENERG_LO"], np.float32), elo)
                and np.array_equal(np.asarray(rmf["ENERG_HI"], np.float32), ehi)):
            raise SystemExit("diag.rmf and %s have different energy grids" % args.rmf)
    areas = {}
    for name in ("be.arf", "fcxbA.arf"):
        with fits.open(data / name) as hdus:
            a = np.asarray(hdus["SPECRESP"].data["SPECRESP"], dtype=np.float32)
            if len(a) != len(elo):
                raise SystemExit("%s has %d rows, the RMF %d" % (name, len(a), len(elo)))
            areas[name] = a

    blob = b"PNBG" + struct.pack("<IIII", 1, aperture.shape[1], aperture.shape[0], len(elo)) \
        + aperture.astype("<f4").tobytes() + elo.astype("<f4").tobytes() + ehi.astype("<f4").tobytes() \
        + areas["be.arf"].astype("<f4").tobytes() + areas["fcxbA.arf"].astype("<f4").tobytes()
    (out / "nustar-fpma-background.bin").write_bytes(blob)

    presets = json.loads((data / "ratios.json").read_text())
    models = {m["name"].split(":")[1]: m["components"] for m in presets["models"]}
    ap = models["apbgd"]["cutoffpl"]["A"]
    intbgd = models["intbgd"]
    keys = ["apec", "lorentz"] + ["lorentz_%d" % i for i in range(3, len(intbgd) + 1)]
    assert set(keys) == set(intbgd), "unexpected intbgd components"
    intn = models["intn"]["bknpower"]["A"]

    def number(x):
        return repr(float(x))

    lines = [
        "# NuSTAR FPMA background model (Wik et al. 2014, ApJ 792, 48): the presets of nuskybgd-py",
        "# (NuSTAR/nuskybgd-py, MIT) auxil/ratios.json, module A, and the constants of its normalisation",
        "# rules. Derived by scripts/derive_nustar_background.py; format: docs/instruments.md.",
        "pixel_arcsec: %s          # DET1 pixel (0.12096 mm)" % number(PIXEL_ARCSEC),
        "detector_array:                     # assumed layout in DET1 pixels (see the script)",
        "  centre: [180, 180]",
        "  detector_size: 160",
        "default_region:",
        "  radius: 4.0                       # arcmin, centred on the aimpoint (the array centre)",
        "components:",
        "  - name: aperture",
        "    description: cosmic X-ray background through the open aperture (stray light)",
        "    response: rmf*be                # the RMF times be.arf (Be-shield transmission)",
        "    norm: {per_aperture_sum: %s}   # 0.002353/32 x sum of the aperture image" % number(0.002353 / 32),
        "    terms:",
        "      - {model: cutoffpl, PhoIndex: %s, HighECut: %s}" % (number(ap["phoindex"]), number(ap["highecut"])),
        "  - name: fcxb",
        "    description: focused cosmic X-ray background",
        "    response: rmf*fcxb              # the RMF times fcxbA.arf",
        "    norm: {per_backscal: %s}   # 0.002353 x 1.5 x (2.45810736/3600 x 1000)^2 x pixels/1000^2"
        % number(0.002353 * 1.5 * (PIXEL_ARCSEC / 3600 * 1000) ** 2),
        "    terms:",
        "      - {model: cutoffpl, PhoIndex: %s, HighECut: %s}" % (number(ap["phoindex"]), number(ap["highecut"])),
        "  - name: lines",
        "    description: instrumental lines and solar reflection (apec + 29 lorentz)",
        "    response: rmf                   # the RMF alone (1 cm^2)",
        "    norm: {per_detector_pixels: %s}   # sum_d factor_d x pixels_d / (25 arcmin^2 x 599.75 px)" % number(25 * 599.75),
        "    terms:",
    ]
    for key in keys:
        p = intbgd[key]["A"]
        if key == "apec":
            fixed = "model: apec, kT: %s, Abundanc: %s, Redshift: %s" % (number(p["kt"]), number(p["abundanc"]), number(p["redshift"]))
        else:
            fixed = "model: lorentz, LineE: %s, Width: %s" % (number(p["linee"]), number(p["width"]))
        lines.append("      - {%s, detectors: [%s]}   # %s" % (fixed, ", ".join(number(f) for f in p["ifactors"]), key))
    lines += [
        "  - name: continuum",
        "    description: instrumental continuum",
        "    response: diagonal              # diag.rmf: energy bin i -> channel i, 1 cm^2",
        "    norm: {per_detector_pixels: 599.75}   # sum_d factor_d x pixels_d / 599.75 px per arcmin^2",
        "    terms:",
        "      - {model: bknpower, PhoIndx1: %s, BreakE: %s, PhoIndx2: %s, detectors: [%s]}"
        % (number(intn["phoindx1"]), number(intn["breake"]), number(intn["phoindx2"]),
           ", ".join(number(f) for f in intn["ifactors"])),
    ]
    (out / "nustar-fpma-background.yaml").write_text("\n".join(lines) + "\n")
    print("aperture image %dx%d: sum %.4f, min %.5f, max %.5f; %d energy bins; %d bytes"
          % (aperture.shape[1], aperture.shape[0], aperture.sum(), aperture.min(), aperture.max(), len(elo), len(blob)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
