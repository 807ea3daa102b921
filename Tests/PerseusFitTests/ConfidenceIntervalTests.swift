import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// Profile-likelihood intervals: exact where the profile is exactly quadratic, consistent with
/// curvature errors elsewhere, flagged at limits and for frozen parameters.
@Suite struct ConfidenceIntervalTests {
    static let instrument = ToyInstrument()

    /// χ² with a model linear in its parameters: Δχ² is exactly quadratic, so the profile interval
    /// is best ± σ·√Δ with σ from the covariance.
    @Test(arguments: [1.0, 2.706, 4.0])
    func linearChiSquaredProfileIsTheCurvatureInterval(delta: Double) throws {
        var model = ToyCountsModel(.linearTwoShapes, Self.instrument)
        let counts = poissonSpectrum(model.expected([2e-2, 1e-2]), seed: 21, sample: 0)
        let parameters = [FitParameter(name: "a.norm", value: 1e-2, hardMin: -1, hardMax: 1),
                          FitParameter(name: "b.norm", value: 5e-3, hardMin: -1, hardMax: 1)]
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "lin", counts: counts, channelEnergies: Self.instrument.energies),
                                                   band: .only(0.6...10)),
                                     statistic: .chiSquared(.gehrels), parameters: FitParameters(parameters))
        let fit = try Fitter().fit(problem, model: &model)
        var options = ConfidenceIntervalOptions(deltaStatistic: delta)
        options.tolerance = 1e-4
        let report = try Fitter().confidenceIntervals(around: fit, problem: problem, model: &model, options: options)
        #expect(report.restarts == 0)
        for (k, interval) in report.intervals.enumerated() {
            let sigma = try #require(fit.errors[k])
            #expect(interval.xspecErrorString == "FFFFFFFFF")
            #expect(abs(interval.upper - (interval.bestFit + sigma * delta.squareRoot())) < 1e-3 * sigma)
            #expect(abs(interval.lower - (interval.bestFit - sigma * delta.squareRoot())) < 1e-3 * sigma)
        }
    }

    /// Cstat intervals of a power law agree with the curvature errors to first order.
    @Test func cstatIntervalsAreNearCurvatureErrors() throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let counts = poissonSpectrum(model.expected([1.8, 1e-2]), seed: 22, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "pl", counts: counts, channelEnergies: Self.instrument.energies),
                                                   band: .only(0.6...10)),
                                     statistic: .cstat, parameters: FitParameters(ToyParameters.powerLaw(index: 1.5, norm: 5e-3)))
        let fit = try Fitter().fit(problem, model: &model)
        let report = try Fitter().confidenceIntervals(around: fit, problem: problem, model: &model)  // 90 %
        for (k, interval) in report.intervals.enumerated() {
            let sigma = try #require(fit.errors[k])
            let half = 0.5 * (interval.upper - interval.lower)
            #expect(abs(half / (sigma * 2.706.squareRoot()) - 1) < 0.05, "\(interval.parameter)")
            #expect(interval.isComplete)
            // The statistic at each end is Δ above the minimum (re-fit to check).
            for end in [interval.lower, interval.upper] {
                let frozen = fit.parameters.freezing(interval.index, at: end)
                let refit = try Fitter().fit(problem.with(parameters: frozen), model: &model)
                #expect(abs(refit.statistic - fit.statistic - 2.706) < 0.02)
            }
        }
    }

    @Test func frozenParameterIsFlagged() throws {
        var model = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let counts = poissonSpectrum(model.expected([1.8, 1e-2, 6.4, 0.1, 1e-3]), seed: 23, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "line", counts: counts, channelEnergies: Self.instrument.energies),
                                                   band: .only(0.6...10)),
                                     statistic: .cstat, parameters: FitParameters(ToyParameters.powerLawPlusLine()))
        let fit = try Fitter().fit(problem, model: &model)
        let report = try Fitter().confidenceIntervals(around: fit, problem: problem, model: &model, indices: [3])
        #expect(report.intervals[0].flags == .frozen)
        #expect(report.intervals[0].xspecErrorString == "FFFFFTFFF")
        #expect(!report.intervals[0].isComplete)
    }

    @Test func newMinimumTriggersARefit() throws {
        // Start the interval search from a deliberately poor "best fit": the search must find the
        // lower minimum, re-fit, and flag it.
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let counts = poissonSpectrum(model.expected([1.8, 1e-2]), seed: 24, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: SpectrumData(name: "pl", counts: counts, channelEnergies: Self.instrument.energies),
                                                   band: .only(0.6...10)),
                                     statistic: .cstat, parameters: FitParameters(ToyParameters.powerLaw(index: 1.5, norm: 5e-3)))
        let good = try Fitter().fit(problem, model: &model)
        // A "best fit" 3σ off in PhoIndex (norm re-fitted), with PhoIndex free again.
        let offset = good.parameters.freezing(0, at: good.values[0] + 3 * good.errors[0]!)
        let poor = try Fitter().fit(problem.with(parameters: offset), model: &model)
        var all = poor.parameters.all
        all[0].isFrozen = false
        let fake = FitResult(spectrum: "pl", parameters: try FitParameters(all), statisticName: "cstat", statistic: poor.statistic,
                             binCount: good.binCount, degreesOfFreedom: good.degreesOfFreedom, nullHypothesisProbability: nil,
                             errors: good.errors, covariance: good.covariance, covarianceIndices: good.covarianceIndices,
                             modelCounts: poor.modelCounts, method: .levenbergMarquardt, iterations: 0, modelEvaluations: 0, warnings: [])
        let report = try Fitter().confidenceIntervals(around: fake, problem: problem, model: &model)
        #expect(report.restarts >= 1)
        #expect(abs(report.fit.statistic - good.statistic) < 1e-3)
        #expect(report.intervals.allSatisfy { $0.flags.contains(.newMinimumFound) })
    }
}
