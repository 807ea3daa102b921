import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusFit

/// numpy/scipy cross-checks: the statistics evaluated by numpy from XSPEC's formulas, and a
/// power-law C-statistic fit found by scipy's optimiser.
@Suite(.enabled(if: Python.canImport("numpy", "scipy"), "numpy and scipy are needed for the Python cross-checks"))
struct PythonCrossCheckTests {
    func writeJSON(_ object: [String: Any]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-fit-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object).write(to: url)
        return url.path
    }

    @Test func statisticsAgreeWithNumpy() throws {
        var stream = RandomStream(seed: 31, purpose: .testing)
        var s: [Double] = [], b: [Double] = [], r: [Double] = [], m: [Double] = []
        for i in 0..<3000 {
            let mean = Foundation.exp(stream.uniform(in: -4..<6))
            m.append(i % 101 == 0 ? 0 : mean)
            s.append(i % 6 == 0 ? 0 : Double(stream.poisson(mean: mean * stream.uniform(in: 0.3..<2))))
            b.append(i % 4 == 0 ? 0 : Double(stream.poisson(mean: stream.uniform(in: 0..<30))))
            r.append(Foundation.exp(stream.uniform(in: -2..<3)))
        }
        let path = try writeJSON(["s": s, "b": b, "r": r, "m": m])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let code = """
        import json, sys
        import numpy as np
        d = json.load(open(sys.argv[1]))
        S, B, r, m = (np.array(d[k], dtype=float) for k in ("s", "b", "r", "m"))
        g = (S - m) ** 2 / (1 + np.sqrt(S + 0.75)) ** 2
        m = np.maximum(m, 1e-5)   # XSPEC's model floor (Poisson statistics only)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(S > 0, 2 * (m - S + S * (np.log(S) - np.log(m))), 2 * m)
            # W with t_s = 1, t_b = r (counts): the manual's general form and special cases.
            t = 1 + r
            dd = np.sqrt((t * m - S - B) ** 2 + 4 * t * B * m)
            f = (S + B - t * m + dd) / (2 * t)
            general = 2 * (m + t * f - S * np.log(m + f) - B * np.log(r * f) - S * (1 - np.log(S)) - B * (1 - np.log(B)))
            s0 = 2 * (m - B * np.log(r / t))
            b0 = np.where(m <= S / t, 2 * (-r * m - S * np.log(1 / t)), 2 * (m + S * (np.log(S) - np.log(m) - 1)))
            w = np.where(S == 0, s0, np.where(B == 0, b0, general))
        print(json.dumps({"cstat": c.tolist(), "w": w.tolist(), "gehrels": g.tolist()}))
        """
        let result = try #require(Python.json(code, arguments: [path]) as? [String: [Double]])
        let cstat = CStatistic.contributions(counts: s, model: m)
        let w = WStatistic.contributions(counts: s, backgroundCounts: b, ratios: r, model: m)
        let gehrels = zip(s, m).map { ChiSquaredStatistic.term(data: $0, variance: ChiSquaredStatistic.variance(counts: $0, variance: .gehrels), model: $1) }
        for i in s.indices {
            let scale = max(1, s[i] * abs(Foundation.log(max(s[i], 1))) + b[i] * abs(Foundation.log(max(b[i], 1))) + m[i])
            #expect(abs(cstat[i] - result["cstat"]![i]) <= 1e-12 * scale, "cstat bin \(i)")
            #expect(abs(w[i] - result["w"]![i]) <= 1e-9 * scale, "W bin \(i): S \(s[i]) B \(b[i]) r \(r[i]) m \(m[i])")
            #expect(abs(gehrels[i] - result["gehrels"]![i]) <= 1e-12 * max(1, gehrels[i]))
        }
    }

    @Test func powerLawFitAgreesWithScipy() throws {
        // Diagonal response so numpy can reproduce the model exactly.
        let instrument = ToyInstrument(bins: 150, diagonal: true)
        var model = ToyCountsModel(.powerLaw, instrument)
        let counts = poissonSpectrum(model.expected([1.7, 2e-2]), seed: 32, sample: 0)
        let data = try FitData(spectrum: SpectrumData(name: "pl", counts: counts, channelEnergies: instrument.energies), band: .only(0.6...10))
        let problem = try FitProblem(data: data, statistic: .cstat, parameters: FitParameters(ToyParameters.powerLaw(index: 1.3, norm: 1e-2)))
        let fit = try Fitter().fit(problem, model: &model)
        let selected = data.channelMap.groups.map(\.lowerBound)
        let path = try writeJSON(["lo": selected.map { instrument.lo[$0] }, "hi": selected.map { instrument.hi[$0] },
                                  "area": selected.map { instrument.area[$0] }, "exposure": instrument.exposure, "counts": data.counts])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let code = """
        import json, sys
        import numpy as np
        from scipy.optimize import minimize
        d = json.load(open(sys.argv[1]))
        lo, hi, area, S = (np.array(d[k], dtype=float) for k in ("lo", "hi", "area", "counts"))
        T = d["exposure"]
        def cstat(p):
            g, lognorm = p
            m = np.exp(lognorm) * (lo ** (1 - g) - hi ** (1 - g)) / (g - 1) * area * T
            m = np.maximum(m, 1e-5)
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(np.sum(np.where(S > 0, 2 * (m - S + S * np.log(S / m)), 2 * m)))
        best = minimize(cstat, [1.3, np.log(1e-2)], method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000})
        best = minimize(cstat, best.x, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20000})
        print(json.dumps({"index": best.x[0], "norm": float(np.exp(best.x[1])), "stat": best.fun}))
        """
        let scipy = try #require(Python.json(code, arguments: [path]) as? [String: Double])
        // Both optimisers stop near the same minimum: within 0.01σ (Perseus's tolerance is ≈ 0.003σ).
        #expect(abs(fit.values[0] - scipy["index"]!) < 0.01 * fit.errors[0]!, "PhoIndex \(fit.values[0]) vs scipy \(scipy["index"]!)")
        #expect(abs(fit.values[1] - scipy["norm"]!) < 0.01 * fit.errors[1]!, "norm \(fit.values[1]) vs scipy \(scipy["norm"]!)")
        #expect(abs(fit.statistic - scipy["stat"]!) < 1e-7 * fit.statistic)
        // Within the documented convergence tolerance (remaining decrease ≤ 1e-5).
        #expect(fit.statistic <= scipy["stat"]! + 1e-5)
    }
}
