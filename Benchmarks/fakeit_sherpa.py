#!/usr/bin/env python3
"""Peer side of `perseus bench fakeit`: Sherpa's `fake_pha`, one call per spectrum, on the
set-up of issue 4 ("Speed").

The Swift side writes a JSON set-up file: the energy grid edges (= channel grid edges, keV), the
model parameters, the exposure, the band noticed, and the cross sections behind Perseus's `wabs`
on this grid (per bin i: T_i = sum_k w_k exp(-nH sigma_k) over k in [start_i, start_{i+1})).
The response is built here, independently, from the same formulas as on the Swift side:

  ARF  A(E) = 600 exp(-0.5 (ln(E/1.5)/0.8)^2) + 20 cm^2, E the bin centre;
  RMF  a Gaussian of sigma = 0.05 sqrt(E) keV (E the centre of the incoming bin) truncated at
       +-5 sigma, integrated over each channel bin and NOT renormalised (what falls outside the
       channel grid or beyond 5 sigma is lost, on both sides).

Model: wabs (a Sherpa user model on Perseus's cross sections: the PyPI wheel has no XSPEC models)
times (powlaw1d + gauss1d). Gauss1D is ampl exp(-4 ln2 (x-pos)^2/fwhm^2) per keV, whose integral
is ampl fwhm sqrt(pi/(4 ln2)); ampl is set from the line's photon flux so that the integral
equals the XSPEC gaussian norm of the Swift side.

Timed: `sherpa.astro.ui.fake_pha(1, arf, rmf, exposure)` called once per spectrum (what users do;
each call evaluates the model, folds it through the response and draws Poisson counts for all
channels) plus summing the counts, wall clock (perf_counter) and this thread's CPU time
(thread_time), the fastest of --repeats loops. Also timed for reference: the lower-level `sherpa.astro.fake.fake_pha` on the
same data set and model (no session overhead).

Prints one JSON object, or {"unavailable": reason} when Sherpa cannot be imported.
"""
import argparse
import contextlib
import json
import math
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--setup", required=True, help="JSON set-up written by `perseus bench fakeit`")
parser.add_argument("--spectra", type=int, default=1000)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--repeats", type=int, default=1, help="timings of each loop; the fastest is reported")
args = parser.parse_args()

try:
    import numpy as np
    from scipy.special import ndtr
except ImportError as error:  # reported, not raised: the Swift side says the peer is missing
    print(json.dumps({"unavailable": f"numpy/scipy not importable: {error}"}))
    raise SystemExit(0)

# Sherpa's import prints warnings (no ds9, no plotting, no XSPEC): keep stdout for the JSON.
with contextlib.redirect_stdout(sys.stderr):
    try:
        import sherpa
        import sherpa.astro.ui as ui
        from sherpa.astro.data import DataARF, DataRMF
        from sherpa.astro.fake import fake_pha as low_level_fake_pha
        from sherpa.astro.instrument import Response1D
        from sherpa.models.basic import Gauss1D, PowLaw1D
        from sherpa.models.model import ArithmeticModel
        from sherpa.models.parameter import Parameter
    except Exception as error:  # noqa: BLE001 - any import failure means "no Sherpa here"
        print(json.dumps({"unavailable": f"sherpa not importable: {error}"}), file=sys.__stdout__)
        raise SystemExit(0)

with open(args.setup) as handle:
    setup = json.load(handle)

edges = np.array(setup["edges"], dtype=float)
lo, hi = edges[:-1], edges[1:]
centre = 0.5 * (lo + hi)
n = lo.size

# ARF at bin centres.
area = 600.0 * np.exp(-0.5 * (np.log(centre / 1.5) / 0.8) ** 2) + 20.0

# Gaussian RMF, one group per row.
f_chan, n_chan, values = [], [], []
for i in range(n):
    e = centre[i]
    s = 0.05 * math.sqrt(e)
    low_limit, high_limit = e - 5 * s, e + 5 * s
    c0 = max(0, int(np.searchsorted(hi, low_limit, side="right")))   # first channel with hi > E - 5 sigma
    c1 = min(n - 1, int(np.searchsorted(lo, high_limit, side="left")) - 1)  # last channel with lo < E + 5 sigma
    a = np.maximum(lo[c0:c1 + 1], low_limit)
    b = np.minimum(hi[c0:c1 + 1], high_limit)
    row = ndtr((b - e) / s) - ndtr((a - e) / s)
    f_chan.append(c0 + 1)
    n_chan.append(c1 - c0 + 1)
    values.append(row)
matrix = np.concatenate(values)

sigma_points = np.array(setup["wabs_sigma"], dtype=float)
weight_points = np.array(setup["wabs_weight"], dtype=float)
bin_start = np.array(setup["wabs_bin_start"][:-1], dtype=np.int64)


class PerseusWAbs(ArithmeticModel):
    """XSPEC wabs as Perseus evaluates it on this grid: per bin sum_k w_k exp(-nH sigma_k),
    nH in 1e22 cm^-2, sigma in 1e-22 cm^2. Defined on the response's energy grid only."""

    def __init__(self, name="wabs"):
        self.nH = Parameter(name, "nH", 1.0, min=0.0, max=1e6, hard_min=0.0, hard_max=1e6, units="1e22 cm^-2")
        ArithmeticModel.__init__(self, name, (self.nH,))

    def calc(self, pars, xlo, *args, **kwargs):
        if len(xlo) != n:
            raise ValueError(f"the wabs peer model is tabulated on the {n}-bin response grid, not on {len(xlo)} bins")
        return np.add.reduceat(weight_points * np.exp(-pars[0] * sigma_points), bin_start)


with contextlib.redirect_stdout(sys.stderr):
    arf = DataARF("bench-arf", lo.copy(), hi.copy(), area)
    rmf = DataRMF("bench-rmf", n, lo.copy(), hi.copy(), np.ones(n, dtype=np.int16),
                  np.array(f_chan, dtype=np.int32), np.array(n_chan, dtype=np.int32), matrix,
                  offset=1, e_min=lo.copy(), e_max=hi.copy())

    absorption = PerseusWAbs()
    absorption.nH = setup["nH"]
    continuum = PowLaw1D("powerlaw")
    continuum.gamma = setup["photon_index"]
    continuum.ref = 1.0
    continuum.ampl = setup["powerlaw_norm"]
    line = Gauss1D("gaussian")
    line.pos = setup["line_energy"]
    line.fwhm = setup["line_fwhm"]
    gauss_integral_per_ampl = setup["line_fwhm"] * math.sqrt(math.pi / (4 * math.log(2)))
    line.ampl = setup["line_norm"] / gauss_integral_per_ampl
    source = absorption * (continuum + line)

    exposure = setup["exposure"]
    ui.set_source(1, source)
    ui.set_rng(np.random.default_rng(args.seed))
    ui.fake_pha(1, arf=arf, rmf=rmf, exposure=exposure)   # creates data set 1 (not timed)
    ui.notice_id(1, setup["band"][0], setup["band"][1])
    data = ui.get_data(1)
    noticed = np.flatnonzero(data.get_mask() if hasattr(data, "get_mask") else data.mask)
    expected = data.eval_model(ui.get_model(1))

    # Timed: one ui.fake_pha per spectrum (the counts of the first repeat are kept).
    ui_wall = ui_cpu = math.inf
    for repeat in range(max(1, args.repeats)):
        summed = np.zeros(n)
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        for _ in range(args.spectra):
            ui.fake_pha(1, arf=arf, rmf=rmf, exposure=exposure)
            summed += ui.get_data(1).counts
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        if repeat == 0:
            totals = summed
        if wall < ui_wall:
            ui_wall, ui_cpu = wall, cpu

    # For reference: the lower-level sherpa.astro.fake.fake_pha on the same data and model.
    full_model = Response1D(data)(source)
    rng = np.random.default_rng(args.seed + 1)
    low_wall = low_cpu = math.inf
    for _ in range(max(1, args.repeats)):
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        for _ in range(args.spectra):
            low_level_fake_pha(data, full_model, rng=rng)
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        if wall < low_wall:
            low_wall, low_cpu = wall, cpu

mean_counts = totals / args.spectra
print(json.dumps({
    "sherpa_version": sherpa.__version__,
    "numpy_version": np.__version__,
    "spectra": args.spectra,
    "repeats": args.repeats,
    "ui_fake_pha_wall_s": ui_wall,
    "ui_fake_pha_cpu_s": ui_cpu,
    "low_level_fake_pha_wall_s": low_wall,
    "low_level_fake_pha_cpu_s": low_cpu,
    "expected_counts": expected.tolist(),
    "mean_counts": mean_counts.tolist(),
    "noticed_first_channel": int(noticed[0]) + 1 if noticed.size else None,
    "noticed_last_channel": int(noticed[-1]) + 1 if noticed.size else None,
    "gauss1d_ampl": float(line.ampl.val),
    "model_caching": bool(getattr(continuum, "_use_caching", False)),
    "rmf_stored_elements": int(matrix.size),
}))
