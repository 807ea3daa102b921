#!/usr/bin/env python3
"""Peer side of `perseus bench fit`: Sherpa's `levmar` + `cstat` on the same spectra.

The Swift side writes one JSON file with everything the fit needs, computed by Perseus itself:
the energy grid, the analytic ARF, the Gaussian RMF rows (the float32 values Perseus folds with),
the `wabs` cross sections Perseus evaluates (per bin, sampling points σ_k with weights w_k:
T = Σ w_k exp(−nH σ_k)), the noticed channels, the starting values and the counts of every
spectrum. This script builds a DataPHA with that ARF and RMF for each spectrum, the model
wabs (a Sherpa user model on those cross sections) × (Sherpa's powlaw1d + gauss1d with the
FWHM frozen), and times `Fit(..., stat=CStat(), method=LevMar()).fit()` per spectrum on one
thread, by this thread's CPU time (time.thread_time, as the Swift side) and by the wall clock.
Set-up (data objects, notice) is outside the timing, as on the Swift side.

Prints one JSON object: fits per second (best of the repeats), best-fit values converted to
XSPEC's parameters (nH, PhoIndex, norm, LineE, line norm = ampl·σ·√(2π)), statistics and
model evaluations per fit; or {"unavailable": reason}.
"""
import json
import sys
import time

try:
    import numpy as np
    import sherpa
    from sherpa.astro.data import DataARF, DataPHA, DataRMF
    from sherpa.astro.instrument import Response1D
    from sherpa.fit import Fit
    from sherpa.models.basic import Gauss1D, PowLaw1D
    from sherpa.models.model import ArithmeticModel
    from sherpa.models.parameter import Parameter
    from sherpa.optmethods import LevMar
    from sherpa.stats import CStat
except ImportError as error:
    print(json.dumps({"unavailable": f"sherpa not importable: {error}"}))
    raise SystemExit(0)

d = json.load(open(sys.argv[1]))
lo = np.array(d["lo"])
hi = np.array(d["hi"])
n = len(lo)
rmf = DataRMF("rmf", detchans=n, energ_lo=lo, energ_hi=hi, n_grp=np.ones(n, dtype=np.int64),
              f_chan=np.array(d["rmf_first"], dtype=np.int64) + 1, n_chan=np.array(d["rmf_count"], dtype=np.int64),
              matrix=np.array(d["rmf_values"], dtype=float), offset=1, e_min=lo, e_max=hi)
arf = DataARF("arf", energ_lo=lo, energ_hi=hi, specresp=np.array(d["area"]))
channels = np.arange(1, n + 1, dtype=float)
sigma_points = np.array(d["wabs_sigma"])
weight_points = np.array(d["wabs_weight"])
bin_start = np.array(d["wabs_bin_start"][:-1], dtype=np.int64)
calls = [0]


class WAbs(ArithmeticModel):
    """Perseus's `wabs` on this grid: per bin Σ w_k exp(−nH σ_k) (nH in 1e22 cm^-2)."""

    def __init__(self, name="wabs"):
        self.nH = Parameter(name, "nH", 1.0, min=0, max=1e5, hard_min=0, hard_max=1e6, units="10^22")
        ArithmeticModel.__init__(self, name, (self.nH,))

    def calc(self, pars, xlo, xhi=None, *args, **kwargs):
        # Sherpa evaluates the model only on the energy bins that reach noticed channels: pick
        # those bins (they are bins of the response grid, where the cross sections are tabulated).
        calls[0] += 1
        transmission = np.add.reduceat(weight_points * np.exp(-pars[0] * sigma_points), bin_start)
        if len(xlo) == n:
            return transmission
        index = np.searchsorted(lo, xlo)
        if np.any(index >= n) or np.any(lo[np.minimum(index, n - 1)] != xlo):
            raise ValueError("the wabs peer model is tabulated on the response grid only")
        return transmission[index]


absorption = WAbs()
continuum = PowLaw1D("powerlaw")
line = Gauss1D("gaussian")
line.fwhm = d["line_fwhm"]
line.fwhm.freeze()
model = absorption * (continuum + line)
# Sherpa's default soft limits for gamma are ±10; keep XSPEC's powerlaw range like Perseus.
continuum.gamma.min, continuum.gamma.max = -2, 9
line_area = d["line_fwhm"] / np.sqrt(8 * np.log(2)) * np.sqrt(2 * np.pi)   # ampl → XSPEC norm
start = d["start"]   # nH, PhoIndex, norm, LineE, line norm (XSPEC)

mask = np.zeros(n, dtype=bool)
mask[np.array(d["noticed"], dtype=np.int64)] = True
datas = []
for counts in d["counts"]:
    pha = DataPHA("spectrum", channels, np.array(counts, dtype=float), exposure=d["exposure"])
    pha.set_arf(arf)
    pha.set_rmf(rmf)
    pha.units = "channel"
    pha.mask = mask.copy()
    datas.append(pha)

best = float("inf")
best_wall = float("inf")
for repeat in range(d["repeats"]):
    results, stats, evaluations = [], [], []
    elapsed = 0.0
    wall = 0.0
    for pha in datas:
        full = Response1D(pha)(model)
        absorption.nH.val = start[0]
        continuum.gamma.val = start[1]
        continuum.ampl.val = start[2]
        line.pos.val = start[3]
        line.ampl.val = start[4] / line_area
        fit = Fit(pha, full, stat=CStat(), method=LevMar())
        calls[0] = 0
        t0, w0 = time.thread_time(), time.perf_counter()
        res = fit.fit()
        elapsed += time.thread_time() - t0
        wall += time.perf_counter() - w0
        evaluations.append(calls[0])
        results.append([absorption.nH.val, continuum.gamma.val, continuum.ampl.val, line.pos.val, line.ampl.val * line_area])
        stats.append(res.statval if res.succeeded else float("nan"))
    best = min(best, elapsed)
    best_wall = min(best_wall, wall)

# The transmission this model gives at nH = 0.5 (the Swift side compares it with Perseus's wabs).
check = np.add.reduceat(weight_points * np.exp(-0.5 * sigma_points), bin_start)
print(json.dumps({
    "fits_per_second": len(datas) / best,
    "fits_per_second_wall_clock": len(datas) / best_wall,
    "seconds": best,
    "best_fits": results,
    "statistics": stats,
    "evaluations_per_fit": float(np.mean(evaluations)),
    "transmission_at_half": check.tolist(),
    "sherpa_version": sherpa.__version__,
    "numpy_version": np.__version__,
}))
