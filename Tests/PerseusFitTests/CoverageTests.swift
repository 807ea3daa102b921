import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// Over 500 seeded Poisson simulations, the 1σ intervals (curvature errors, and profile
/// likelihood with Δstat = 1) cover the true parameter values 68.27 % of the time.
///
/// Tolerance: with n = 500 the binomial standard deviation of the coverage fraction is
/// √(0.6827·0.3173/500) = 2.08 %; a coverage is accepted within ±3 standard deviations
/// (±6.2 %), i.e. a two-sided binomial test at about the 0.3 % level per parameter. The seeds are
/// fixed, so the outcome is reproducible.
@Suite struct CoverageTests {
    static let simulations = 500
    static let nominal = 0.6827
    static var tolerance: Double { 3 * (nominal * (1 - nominal) / Double(simulations)).squareRoot() }

    struct Tally {
        var curvature: [Int]
        var profile: [Int]
        var failures = 0
        init(_ n: Int) { curvature = [Int](repeating: 0, count: n); profile = [Int](repeating: 0, count: n) }
    }

    func run(spectrum: ToySpectrum, instrument: ToyInstrument, truth: [Double], start: [FitParameter],
             profiled: [Int], seed: UInt64) throws -> Tally {
        var model = ToyCountsModel(spectrum, instrument)
        let expected = model.expected(truth)
        let parameters = try FitParameters(start)
        let free = parameters.freeIndices
        var tally = Tally(free.count)
        let workspace = FitWorkspace()
        let fitter = Fitter()
        for sample in 0..<Self.simulations {
            let counts = poissonSpectrum(expected, seed: seed, sample: UInt64(sample))
            let data = try FitData(spectrum: SpectrumData(name: "sim \(sample)", counts: counts, channelEnergies: instrument.energies),
                                   band: .only(0.6...10))
            let problem = try FitProblem(data: data, statistic: .cstat, parameters: parameters)
            guard let result = try? fitter.fit(problem, model: &model, workspace: workspace, sampleIndex: UInt64(sample)) else {
                tally.failures += 1
                continue
            }
            for (k, index) in free.enumerated() {
                if let sigma = result.errors[k], abs(result.values[index] - truth[index]) <= sigma { tally.curvature[k] += 1 }
            }
            let report = try fitter.confidenceIntervals(around: result, problem: problem, model: &model, indices: profiled.map { free[$0] },
                                                        options: ConfidenceIntervalOptions(deltaStatistic: 1), workspace: workspace,
                                                        sampleIndex: UInt64(sample))
            for (j, k) in profiled.enumerated() {
                let interval = report.intervals[j]
                if interval.isComplete && interval.contains(truth[free[k]]) { tally.profile[k] += 1 }
            }
        }
        return tally
    }

    func check(_ tally: Tally, names: [String], profiled: [Int]) {
        #expect(tally.failures == 0)
        let n = Double(Self.simulations)
        for (k, name) in names.enumerated() {
            let curvature = Double(tally.curvature[k]) / n
            #expect(abs(curvature - Self.nominal) <= Self.tolerance, "\(name): curvature-error coverage \(curvature)")
            if profiled.contains(k) {
                let profile = Double(tally.profile[k]) / n
                #expect(abs(profile - Self.nominal) <= Self.tolerance, "\(name): profile-interval coverage \(profile)")
            }
        }
    }

    @Test func powerLaw() throws {
        let instrument = ToyInstrument(exposure: 200)
        let tally = try run(spectrum: .powerLaw, instrument: instrument, truth: [1.8, 1e-2],
                            start: ToyParameters.powerLaw(index: 1.5, norm: 5e-3), profiled: [0, 1], seed: 101)
        print("coverage powerlaw:", tally)
        check(tally, names: ["PhoIndex", "norm"], profiled: [0, 1])
    }

    @Test func powerLawPlusGaussianLine() throws {
        let instrument = ToyInstrument(exposure: 1000)
        let truth = [1.8, 1e-2, 6.4, 0.1, 1e-3]
        let start = ToyParameters.powerLawPlusLine(index: 1.6, norm: 8e-3, lineEnergy: 6.35, lineNorm: 8e-4)
        let tally = try run(spectrum: .powerLawPlusLine, instrument: instrument, truth: truth, start: start,
                            profiled: [0, 1, 2, 3], seed: 202)
        print("coverage powerlaw+line:", tally)
        check(tally, names: ["PhoIndex", "norm", "LineE", "lineNorm"], profiled: [0, 1, 2, 3])
    }
}
