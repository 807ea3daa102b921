import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// Degenerate and bad inputs end in a clear status (a ``FitError`` or a flagged result), never a
/// crash or a fake fit.
@Suite struct DegenerateInputTests {
    static let instrument = ToyInstrument()

    func spectrum(_ counts: [Double]) -> SpectrumData {
        SpectrumData(name: "toy.pha", counts: counts, channelEnergies: Self.instrument.energies)
    }

    func expectError(_ code: String, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected FitError \(code), got success")
        } catch let error as FitError {
            #expect(error.code == code, "\(error)")
            #expect(!error.description.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func allZeroSpectrum() {
        expectError("all-zero-data") {
            _ = try FitData(spectrum: spectrum([Double](repeating: 0, count: Self.instrument.channelCount)))
        }
        // Counts only outside the band are still an all-zero fit.
        var counts = [Double](repeating: 0, count: Self.instrument.channelCount)
        counts[0] = 12
        expectError("all-zero-data") { _ = try FitData(spectrum: spectrum(counts), band: .only(2...8)) }
    }

    @Test func emptyBand() {
        let counts = [Double](repeating: 3, count: Self.instrument.channelCount)
        expectError("empty-band") { _ = try FitData(spectrum: spectrum(counts), band: .only(50...80)) }
        // Every channel bad.
        var s = spectrum(counts)
        s.quality = [Int](repeating: 5, count: counts.count)
        expectError("empty-band") { _ = try FitData(spectrum: s) }
        // Grouping that leaves nothing (minimum above the total, leftover dropped).
        expectError("empty-band") { _ = try FitData(spectrum: spectrum(counts), grouping: .minimumCounts(1e9)) }
        expectError("empty-band") { _ = try FitData(spectrum: SpectrumData(name: "empty", counts: [])) }
    }

    @Test func badCountsAndShapes() {
        var counts = [Double](repeating: 3, count: Self.instrument.channelCount)
        counts[5] = .nan
        expectError("invalid-value") { _ = try FitData(spectrum: spectrum(counts)) }
        counts[5] = -1
        expectError("invalid-value") { _ = try FitData(spectrum: spectrum(counts)) }
        counts[5] = 3
        expectError("missing-channel-energies") { _ = try FitData(spectrum: SpectrumData(name: "x", counts: counts), band: .only(1...2)) }
        var s = spectrum(counts)
        s.background = BackgroundSpectrum(counts: [1, 2], ratio: 1)
        expectError("channel-count-mismatch") { _ = try FitData(spectrum: s) }
        s.background = BackgroundSpectrum(counts: counts, ratio: 0)
        expectError("invalid-value") { _ = try FitData(spectrum: s) }
        s.background = BackgroundSpectrum(counts: counts, ratio: 2)
        expectError("background-not-supported") {
            _ = try FitProblem(data: FitData(spectrum: s), statistic: .cash, parameters: FitParameters(ToyParameters.powerLaw()))
        }
        expectError("invalid-grouping") { _ = try FitData(spectrum: spectrum(counts), grouping: .file) }
    }

    @Test func badParameters() {
        expectError("invalid-parameter") { _ = try FitParameters([FitParameter(name: "a", value: 5, hardMin: 0, hardMax: 1)]) }
        expectError("invalid-parameter") { _ = try FitParameters([FitParameter(name: "a", value: 0.5, hardMin: 0, hardMax: 1, softMin: -1)]) }
        expectError("invalid-parameter") { _ = try FitParameters([FitParameter(name: "a", value: .nan)]) }
        expectError("invalid-parameter") {
            _ = try FitParameters([FitParameter(name: "a", value: 1, link: .init(source: 3))])
        }
        expectError("link-cycle") {
            _ = try FitParameters([FitParameter(name: "a", value: 1, link: .init(source: 1)),
                                   FitParameter(name: "b", value: 1, link: .init(source: 0))])
        }
    }

    @Test func moreFreeParametersThanBins() throws {
        var model = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let counts = model.expected([1.8, 1e-2, 6.4, 0.1, 1e-3])
        // Two or three channels (edges in floating point), four free parameters.
        let data = try FitData(spectrum: spectrum(counts), band: .only(5.0...5.1))
        #expect(data.count < 4)
        let problem = try FitProblem(data: data, statistic: .cstat, parameters: FitParameters(ToyParameters.powerLawPlusLine()))
        expectError("too-few-channels") { _ = try Fitter().fit(problem, model: &model) }
    }

    @Test func parameterPinnedAtABound() throws {
        // No line in the data: the best line norm is 0, its lower limit.
        var model = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let expected = model.expected([1.8, 1e-2, 6.4, 0.1, 0])
        let counts = poissonSpectrum(expected, seed: 4, sample: 0)
        var parameters = ToyParameters.powerLawPlusLine(lineNorm: 1e-3)
        parameters[2].isFrozen = true   // line energy fixed: an upper-limit search
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(0.6...10)), statistic: .cstat,
                                     parameters: FitParameters(parameters))
        // Find a sample whose best line norm is at the limit (downward fluctuation).
        var found = false
        for sample in 0..<10 {
            let c = poissonSpectrum(expected, seed: 4, sample: UInt64(sample))
            let p = try FitProblem(data: FitData(spectrum: spectrum(c), band: .only(0.6...10)), statistic: .cstat,
                                   parameters: FitParameters(parameters))
            let result = try Fitter().fit(p, model: &model)
            let lineNorm = result.values[4]
            let k = result.parameters.freeIndices.firstIndex(of: 4)!
            if lineNorm == 0 {
                found = true
                #expect(result.warnings.contains(.parameterAtLimit(name: "gaussian.norm", value: 0, isUpper: false)))
                #expect(result.errors[k] == nil)
                #expect(result.errors[0] != nil && result.errors[1] != nil)
                #expect(!result.covarianceIndices.contains(4))
                #expect(FitStatus(result) == .convergedAtLimit && FitStatus(result).number == 1)
                // The profile search gives an upper limit, the lower end is the hard limit.
                let report = try Fitter().confidenceIntervals(around: result, problem: p, model: &model, indices: [4])
                let interval = report.intervals[0]
                #expect(interval.lower == 0)
                #expect(interval.flags.contains(.hitLowerLimit))
                #expect(interval.xspecErrorString == "FFFTFFFFF")
                #expect(interval.upper > 0)
                break
            } else {
                #expect(result.errors[k] != nil)
            }
        }
        _ = problem
        #expect(found, "no sample among 10 had its line norm at 0")
    }

    @Test func nanEverywhereInTheModel() throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument) { _, counts in counts[17] = .nan }
        let counts = poissonSpectrum(ToyCountsModel(.powerLaw, Self.instrument).expected([1.8, 1e-2]), seed: 1, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts)), statistic: .cstat,
                                     parameters: FitParameters(ToyParameters.powerLaw()))
        expectError("non-finite-model") { _ = try Fitter().fit(problem, model: &model) }
        // NaN in a channel outside the band does not matter.
        let banded = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(2...10)), statistic: .cstat,
                                    parameters: FitParameters(ToyParameters.powerLaw()))
        let result = try Fitter().fit(banded, model: &model)
        #expect(abs(result.values[0] - 1.8) < 5 * result.errors[0]!)
    }

    @Test func nanInPartOfParameterSpaceIsAvoided() throws {
        // The model is NaN for PhoIndex > 2.2: the fit must still converge from 1.5 to ≈ 1.8.
        var model = ToyCountsModel(.powerLaw, Self.instrument) { p, counts in
            if p[0] > 2.2 { for i in 0..<counts.count { counts[i] = .nan } }
        }
        let counts = poissonSpectrum(ToyCountsModel(.powerLaw, Self.instrument).expected([1.8, 1e-2]), seed: 2, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(0.6...10)), statistic: .cstat,
                                     parameters: FitParameters(ToyParameters.powerLaw(index: 3.5, norm: 1e-2)))
        // Starting in the NaN region is a start failure …
        expectError("non-finite-model") { _ = try Fitter().fit(problem, model: &model) }
        // … starting outside it converges.
        let ok = problem.with(parameters: try FitParameters(ToyParameters.powerLaw(index: 2.1, norm: 3e-2)))
        let result = try Fitter().fit(ok, model: &model)
        #expect(abs(result.values[0] - 1.8) < 5 * result.errors[0]!)
    }

    @Test func throwingModel() throws {
        struct Refusal: Error, CustomStringConvertible { var description: String { "kT outside the table" } }
        var model = ToyCountsModel(.powerLaw, Self.instrument) { _, _ in throw Refusal() }
        let counts = poissonSpectrum(ToyCountsModel(.powerLaw, Self.instrument).expected([1.8, 1e-2]), seed: 2, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts)), statistic: .cstat,
                                     parameters: FitParameters(ToyParameters.powerLaw()))
        expectError("model-failed") { _ = try Fitter().fit(problem, model: &model) }
        var wrong = ToyCountsModel(.powerLaw, ToyInstrument(bins: 10))
        expectError("model-channel-mismatch") { _ = try Fitter().fit(problem, model: &wrong) }
    }

    @Test func degenerateParametersGiveASingularCurvatureWarning() throws {
        // Two identical power laws: only the sum of the norms is constrained.
        var model = ClosureCountsModel(channelCount: Self.instrument.channelCount) { p, counts in
            let instrument = DegenerateInputTests.instrument
            var flux = [Double](repeating: 0, count: instrument.channelCount)
            for e in flux.indices {
                flux[e] = powerLawFlux(lo: instrument.lo[e], hi: instrument.hi[e], index: 1.8, norm: p[0] + p[1])
            }
            flux.withUnsafeBufferPointer { instrument.fold($0.baseAddress!, into: counts) }
        }
        let expected = ToyCountsModel(.powerLaw, Self.instrument).expected([1.8, 1e-2])
        let counts = poissonSpectrum(expected, seed: 8, sample: 0)
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(0.6...10)), statistic: .cstat,
                                     parameters: FitParameters([FitParameter(name: "a.norm", value: 3e-3, hardMin: 0, hardMax: 1e24),
                                                                FitParameter(name: "b.norm", value: 4e-3, hardMin: 0, hardMax: 1e24)]))
        let result = try Fitter().fit(problem, model: &model)
        #expect(result.warnings.contains(.singularCurvature))
        #expect(FitStatus(result).code == "converged-undefined-errors")
        #expect(result.covariance == nil)
        #expect(result.errors.allSatisfy { $0 == nil })
        #expect(abs(result.values[0] + result.values[1] - 1e-2) < 5e-4)
    }

    @Test func nonConvergenceIsAnErrorNotAResult() throws {
        var model = ToyCountsModel(.absorbedPowerLaw, Self.instrument)
        let counts = poissonSpectrum(model.expected([0.5, 1.8, 1e-2]), seed: 5, sample: 0)
        var options = FitOptions()
        options.maximumIterations = 1
        options.useNelderMeadFallback = false
        options.multiStartCount = 0
        let parameters = [FitParameter(name: "abs.nH", value: 3, hardMin: 0, hardMax: 1e5)] + ToyParameters.powerLaw(index: 3, norm: 1e-1)
        let problem = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(0.6...10)), statistic: .cstat,
                                     parameters: FitParameters(parameters))
        expectError("not-converged") { _ = try Fitter(options: options).fit(problem, model: &model) }
        // With the fallbacks the same budget converges (Nelder–Mead, then LM or multi-start).
        options.useNelderMeadFallback = true
        options.maximumIterations = 3
        options.multiStartCount = 4
        let outcome = Result { () throws(FitError) -> FitResult in try Fitter(options: options).fit(problem, model: &model) }
        let reference = try Fitter().fit(problem, model: &model)
        switch outcome {
        case let .success(result):
            #expect(result.method != .levenbergMarquardt)
            #expect(result.warnings.contains { if case .usedFallback = $0 { return true } else { return false } })
            #expect(abs(result.statistic - reference.statistic) < 0.05)
        case let .failure(error):
            Issue.record("fallbacks did not rescue the fit: \(error)")
        }
    }

    /// With an unreachable tolerance Levenberg–Marquardt stalls at the numerical noise floor and
    /// the fallbacks run; whatever they return must not be a worse local minimum (e.g. the line
    /// moved elsewhere) than points already seen: either a result as good as the normal fit, or
    /// a not-converged error.
    @Test func fallbacksNeverReturnAWorseMinimum() throws {
        var model = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let expected = model.expected([1.8, 1e-2, 6.4, 0.1, 1e-3])
        var strict = FitOptions()
        strict.remainingDecreaseTolerance = 1e-13
        strict.criticalDelta = 1e-12
        strict.maximumIterations = 40
        for sample in 0..<6 {
            let counts = poissonSpectrum(expected, seed: 6, sample: UInt64(sample))
            let problem = try FitProblem(data: FitData(spectrum: spectrum(counts), band: .only(0.6...10)), statistic: .cstat,
                                         parameters: FitParameters(ToyParameters.powerLawPlusLine(index: 1.6, norm: 8e-3, lineEnergy: 6.3)))
            let reference = try Fitter().fit(problem, model: &model)
            switch Result(catching: { () throws(FitError) -> FitResult in try Fitter(options: strict).fit(problem, model: &model, sampleIndex: UInt64(sample)) }) {
            case let .success(result):
                #expect(result.statistic <= reference.statistic + 0.01, "sample \(sample): \(result.method)")
            case let .failure(error):
                #expect(error.code == "not-converged")
            }
        }
    }
}
