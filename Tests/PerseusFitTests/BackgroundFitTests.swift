import Foundation
import Testing
import PerseusCore
@testable import PerseusFit

/// Fits with a measured background use the W-statistic and recover the source.
@Suite struct BackgroundFitTests {
    static let instrument = ToyInstrument(exposure: 500)

    @Test func wStatisticRecoversTheSource() throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let truth = [1.8, 1e-2]
        let source = model.expected(truth)
        let backgroundLevel = 2.0   // counts per channel in the source region
        let ratio = 4.0             // background region 4× larger
        var pulls: [[Double]] = [[], []]
        for sample in 0..<60 {
            let s = poissonSpectrum(source.map { $0 + backgroundLevel }, seed: 41, sample: UInt64(sample))
            let b = poissonSpectrum([Double](repeating: backgroundLevel * ratio, count: source.count), seed: 41, sample: UInt64(sample),
                                    purpose: .backgroundCounts)
            let spectrum = SpectrumData(name: "src", counts: s, background: BackgroundSpectrum(counts: b, ratio: ratio),
                                        channelEnergies: Self.instrument.energies)
            let problem = try FitProblem(data: FitData(spectrum: spectrum, band: .only(0.6...10)), statistic: .cstat,
                                         parameters: FitParameters(ToyParameters.powerLaw(index: 1.5, norm: 5e-3)))
            #expect(problem.statisticName == "wstat")
            let fit = try Fitter().fit(problem, model: &model)
            #expect(fit.statisticName == "wstat")
            #expect(fit.nullHypothesisProbability == nil)
            for k in 0..<2 { pulls[k].append((fit.values[k] - truth[k]) / fit.errors[k]!) }
        }
        for k in 0..<2 {
            let mean = pulls[k].reduce(0, +) / Double(pulls[k].count)
            let rms = (pulls[k].map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(pulls[k].count)).squareRoot()
            // 60 samples: the mean pull has a standard error of 0.13.
            #expect(abs(mean) < 0.45, "parameter \(k): mean pull \(mean)")
            #expect(rms > 0.7 && rms < 1.35, "parameter \(k): pull rms \(rms)")
        }
    }

    @Test func chiSquaredSubtractsTheBackground() throws {
        var model = ToyCountsModel(.powerLaw, Self.instrument)
        let source = model.expected([1.8, 1e-2])
        let s = source.map { $0 + 10 }
        let b = [Double](repeating: 20, count: source.count)   // ratio 2: 10 counts expected in the source
        let spectrum = SpectrumData(name: "src", counts: s, background: BackgroundSpectrum(counts: b, ratio: 2),
                                    channelEnergies: Self.instrument.energies)
        let problem = try FitProblem(data: FitData(spectrum: spectrum, band: .only(0.6...10)), statistic: .chiSquared(.data),
                                     parameters: FitParameters(ToyParameters.powerLaw(index: 1.5, norm: 5e-3)))
        let fit = try Fitter().fit(problem, model: &model)
        // Noiseless: the minimum is the truth with χ² = 0 (converged to ≈ 0.003σ, Δχ² ≈ 1e-5).
        #expect(abs(fit.values[0] - 1.8) < 0.01 * fit.errors[0]!)
        #expect(fit.statistic < 1e-4)
        #expect(fit.nullHypothesisProbability! > 0.999)
    }
}
