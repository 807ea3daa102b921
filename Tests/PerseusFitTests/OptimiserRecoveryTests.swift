import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// The optimiser finds the input parameters on noiseless data (the minimum is exact there) and
/// lands within a few σ of the truth on Poisson data.
@Suite struct OptimiserRecoveryTests {
    static let instrument = ToyInstrument()

    func problem(_ counts: [Double], _ parameters: [FitParameter], statistic: FitStatistic = .cstat,
                 band: BandSelection = .only(0.6...10)) throws -> FitProblem {
        let spectrum = SpectrumData(name: "toy", counts: counts, channelEnergies: Self.instrument.energies)
        return try FitProblem(data: FitData(spectrum: spectrum, band: band), statistic: statistic,
                              parameters: FitParameters(parameters))
    }

    @Test(arguments: [FitStatistic.cstat, .cash, .chiSquared(.data), .chiSquared(.gehrels)])
    func noiselessPowerLawIsRecoveredExactly(statistic: FitStatistic) throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let truth = [1.8, 1e-2]
        let counts = model.expected(truth)
        let start = ToyParameters.powerLaw(index: 1.2, norm: 4e-2)
        let p = try problem(counts, start, statistic: statistic)
        let result = try Fitter().fit(p, model: &model)
        // χ² weights are the data, so the noiseless minimum is the truth for every statistic;
        // converged means within ≈ 0.003σ of it.
        #expect(abs(result.values[0] - truth[0]) < 0.01 * result.errors[0]!)
        #expect(abs(result.values[1] - truth[1]) < 0.01 * result.errors[1]!)
        #expect(result.method == .levenbergMarquardt)
        #expect(result.warnings.isEmpty)
        #expect(result.degreesOfFreedom == p.data.count - 2)
        if statistic == .cstat { #expect(result.statistic < 1e-6) }
        #expect(statistic.hasNullHypothesisProbability == (result.nullHypothesisProbability != nil))
    }

    @Test func noiselessLineModelIsRecoveredExactly() throws {
        var model = ToyCountsModel(.powerLawPlusLine, Self.instrument)
        let truth = [1.8, 1e-2, 6.4, 0.1, 1e-3]
        let counts = model.expected(truth)
        let start = ToyParameters.powerLawPlusLine(index: 1.5, norm: 5e-3, lineEnergy: 6.3, lineNorm: 5e-4)
        let result = try Fitter().fit(try problem(counts, start), model: &model)
        // Converged means within ≈ 0.003σ of the minimum (remaining decrease ≤ 1e-5).
        for (k, i) in result.parameters.freeIndices.enumerated() {
            #expect(abs(result.values[i] - truth[i]) < 0.01 * result.errors[k]!, "\(result.parameters.names[i])")
        }
        #expect(result.parameters.all[3].value == 0.1)  // frozen
        #expect(result.errors.count == 4)
    }

    @Test func poissonFitLandsWithinErrors() throws {
        var model = ToyCountsModel(.absorbedPowerLaw, Self.instrument)
        let truth = [0.5, 1.8, 1e-2]
        let expected = model.expected(truth)
        let parameters = [
            FitParameter(name: "abs.nH", value: 0.2, hardMin: 0, hardMax: 1e5, softMin: 0, softMax: 1e5),
        ] + ToyParameters.powerLaw(index: 1.5, norm: 5e-3)
        var pulls: [Double] = []
        for sample in 0..<20 {
            let counts = poissonSpectrum(expected, seed: 3, sample: UInt64(sample))
            let result = try Fitter().fit(try problem(counts, parameters), model: &model)
            for k in 0..<3 {
                let sigma = try #require(result.errors[k])
                pulls.append((result.freeValues[k] - truth[k]) / sigma)
            }
            // A good fit: C near its dof.
            #expect(abs(result.statistic - Double(result.degreesOfFreedom)) < 6 * (2 * Double(result.degreesOfFreedom)).squareRoot())
        }
        #expect(pulls.allSatisfy { abs($0) < 4.5 }, "pulls \(pulls)")
        let rms = (pulls.map { $0 * $0 }.reduce(0, +) / Double(pulls.count)).squareRoot()
        #expect(rms > 0.6 && rms < 1.5, "rms pull \(rms)")
    }

    /// Broyden updates and XSPEC's convergence test alone are options; both reach the minimum.
    @Test func optionalStrategies() throws {
        var model = ToyCountsModel(.absorbedPowerLaw, Self.instrument)
        let counts = poissonSpectrum(model.expected([0.5, 1.8, 1e-2]), seed: 13, sample: 0)
        let parameters = [FitParameter(name: "abs.nH", value: 0.2, hardMin: 0, hardMax: 1e5)] + ToyParameters.powerLaw(index: 1.5, norm: 5e-3)
        let p = try problem(counts, parameters)
        let reference = try Fitter().fit(p, model: &model)
        var broyden = FitOptions()
        broyden.broydenUpdates = true
        let b = try Fitter(options: broyden).fit(p, model: &model)
        var xspec = FitOptions()
        xspec.remainingDecreaseTolerance = .infinity
        let x = try Fitter(options: xspec).fit(p, model: &model)
        for k in 0..<3 {
            let sigma = reference.errors[k]!
            #expect(abs(b.freeValues[k] - reference.freeValues[k]) < 0.01 * sigma)
            // XSPEC's test alone stops when an iteration gains < 0.01: within ≈ 0.15σ.
            #expect(abs(x.freeValues[k] - reference.freeValues[k]) < 0.2 * sigma)
        }
        #expect(x.statistic - reference.statistic < 0.02)
        #expect(x.modelEvaluations <= reference.modelEvaluations)
    }

    @Test func frozenAndLinkedParametersAreHonoured() throws {
        var model = ToyCountsModel(.linearTwoShapes, Self.instrument)
        // norm2 = 0.5 · norm1 + 0.001.
        let truth = [2e-2, 2e-2 * 0.5 + 1e-3]
        let counts = model.expected(truth)
        let parameters = [
            FitParameter(name: "a.norm", value: 1e-2, hardMin: 0, hardMax: 1e24),
            FitParameter(name: "b.norm", value: 0, hardMin: 0, hardMax: 1e24, link: .init(source: 0, scale: 0.5, offset: 1e-3)),
        ]
        let result = try Fitter().fit(try problem(counts, parameters), model: &model)
        #expect(result.parameters.freeIndices == [0])
        #expect(abs(result.values[0] - truth[0]) < 0.01 * result.errors[0]!)
        #expect(abs(result.values[1] - (0.5 * result.values[0] + 1e-3)) < 1e-15)
    }

    @Test func bandAndGroupingChangeTheBins() throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let expected = model.expected([1.8, 1e-2])
        let counts = poissonSpectrum(expected, seed: 9, sample: 0)
        let spectrum = SpectrumData(name: "toy", counts: counts, channelEnergies: Self.instrument.energies)
        let data = try FitData(spectrum: spectrum, band: .only(1...8), grouping: .minimumCounts(50))
        #expect(data.counts.dropLast().allSatisfy { $0 >= 50 })
        let p = try FitProblem(data: data, statistic: .cstat, parameters: FitParameters(ToyParameters.powerLaw(index: 1.5, norm: 5e-3)))
        let result = try Fitter().fit(p, model: &model)
        #expect(result.binCount == data.count)
        #expect(abs(result.values[0] - 1.8) < 5 * result.errors[0]!)
    }
}
