#!/usr/bin/env python3
"""Peer side of `perseus bench fit-engine`: Sherpa's levmar + cstat on the same spectra.

Reads the JSON written by the Swift side (instrument, RMF rows, toy model settings, noticed
channels, counts of every spectrum, starting values), fits each spectrum once per timing with
the same toy model as a Sherpa user model, and prints one JSON object: fits per second (best of
the repeats), the best-fit parameters and statistics, or {"unavailable": reason}.
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
    from sherpa.models.model import ArithmeticModel
    from sherpa.models.parameter import Parameter
    from scipy.special import erfc
    from sherpa.optmethods import LevMar
    from sherpa.stats import CStat
except ImportError as error:
    print(json.dumps({"unavailable": f"sherpa not importable: {error}"}))
    raise SystemExit(0)

d = json.load(open(sys.argv[1]))
lo = np.array(d["lo"]); hi = np.array(d["hi"]); area = np.array(d["area"])
n = len(lo)
first = np.array(d["rmf_first"], dtype=np.int64)
weights = d["rmf_weights"]
n_chan = np.array([len(w) for w in weights], dtype=np.int64)
matrix = np.concatenate([np.array(w) for w in weights])
rmf = DataRMF("rmf", detchans=n, energ_lo=lo, energ_hi=hi, n_grp=np.ones(n, dtype=np.int64),
              f_chan=first + 1, n_chan=n_chan, matrix=matrix, offset=1, e_min=lo, e_max=hi)
arf = DataARF("arf", energ_lo=lo, energ_hi=hi, specresp=area)
channels = np.arange(1, n + 1, dtype=float)
sigma = d["sigma"]
calls = [0]


def toy(pars, xlo, xhi=None):
    """Absorbed power law + Gaussian line, integrated over each bin (photons cm^-2 s^-1)."""
    calls[0] += 1
    nh, index, norm, line_e, line_norm = pars
    xlo = np.asarray(xlo); xhi = np.asarray(xhi)
    if abs(index - 1) < 1e-12:
        pl = norm * np.log(xhi / xlo)
    else:
        pl = norm * (xlo ** (1 - index) - xhi ** (1 - index)) / (index - 1)
    s = sigma * np.sqrt(2)
    line = line_norm * 0.5 * (erfc((xlo - line_e) / s) - erfc((xhi - line_e) / s))
    mid = 0.5 * (xlo + xhi)
    return np.exp(-nh * 2 * mid ** (-8.0 / 3)) * (pl + line)


start = d["start"]
values = [start[0], start[1], start[2], start[3], start[5]]


class Toy(ArithmeticModel):
    """The Swift side's toy model: parameters nH, PhoIndex, norm, LineE, lineNorm."""

    def __init__(self, name="toy"):
        self.nH = Parameter(name, "nH", values[0], min=0, max=1e5, hard_min=0, hard_max=1e5)
        self.PhoIndex = Parameter(name, "PhoIndex", values[1], min=-2, max=9, hard_min=-3, hard_max=10)
        self.norm = Parameter(name, "norm", values[2], min=0, max=1e24, hard_min=0, hard_max=1e24)
        self.LineE = Parameter(name, "LineE", values[3], min=0, max=1e6, hard_min=0, hard_max=1e6)
        self.lineNorm = Parameter(name, "lineNorm", values[4], min=0, max=1e24, hard_min=0, hard_max=1e24)
        ArithmeticModel.__init__(self, name, (self.nH, self.PhoIndex, self.norm, self.LineE, self.lineNorm))

    def calc(self, pars, xlo, xhi=None, *args, **kwargs):
        return toy(pars, xlo, xhi)


model = Toy()

noticed = np.array(d["noticed"], dtype=np.int64)
results = []
stats = []
evaluations = []
best = float("inf")
datas = []
for counts in d["counts"]:
    pha = DataPHA("spec", channels, np.array(counts, dtype=float), exposure=d["exposure"])
    pha.set_arf(arf)
    pha.set_rmf(rmf)
    pha.units = "channel"
    mask = np.zeros(n, dtype=bool)
    mask[noticed] = True
    pha.mask = mask
    datas.append(pha)
for repeat in range(d["repeats"]):
    results = []; stats = []; evaluations = []
    elapsed = 0.0
    for pha in datas:
        full = Response1D(pha)(model)
        for p, v in zip(model.pars, values):
            p.val = v
        fit = Fit(pha, full, stat=CStat(), method=LevMar())
        calls[0] = 0
        t0 = time.perf_counter()
        res = fit.fit()
        elapsed += time.perf_counter() - t0
        evaluations.append(calls[0])
        v = [p.val for p in model.pars]
        results.append([v[0], v[1], v[2], v[3], sigma, v[4]])
        stats.append(res.statval)
    best = min(best, elapsed)
print(json.dumps({
    "fits_per_second": len(datas) / best,
    "seconds": best,
    "best_fits": results,
    "statistics": stats,
    "evaluations_per_fit": float(np.mean(evaluations)),
    "sherpa_version": sherpa.__version__,
}))
