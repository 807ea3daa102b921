import Foundation
import Testing
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
@testable import PerseusFit

/// The fit engine on real PerseusPhysics models folded through OGIP responses (fakeit → fit).
@Suite struct ModelResponseFitTests {
    /// A Gaussian-redistribution response (σ = 0.1√E keV, ±5σ) with a flat 400 cm² ARF.
    static func syntheticResponse() throws -> ResponsePair {
        let grid = try EnergyGrid.linear(from: 0.3, to: 10.3, step: 0.025)
        let n = grid.count
        var dense = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            let e = 0.5 * (grid.lo[i] + grid.hi[i])
            let sigma = 0.1 * e.squareRoot()
            var total = 0.0
            for c in 0..<n where abs(0.5 * (grid.lo[c] + grid.hi[c]) - e) < 5 * sigma {
                let a = (grid.lo[c] - e) / (sigma * 2.0.squareRoot()), b = (grid.hi[c] - e) / (sigma * 2.0.squareRoot())
                dense[i][c] = 0.5 * (erfc(a) - erfc(b))
                total += dense[i][c]
            }
            for c in 0..<n { dense[i][c] /= total }
        }
        let matrix = try ResponseMatrix(energies: grid, channelEnergies: grid, dense: dense)
        let arf = try AncillaryResponse(energies: grid, effectiveArea: [Double](repeating: 400, count: n))
        return try ResponsePair(matrix: matrix, ancillary: arf)
    }

    @Test func countsMatchTheResponseFoldingAndTheHintIsExact() throws {
        let response = try Self.syntheticResponse()
        var model = try Model("tbabs*(powerlaw + gaussian)")
        try model.set("tbabs.nH", to: 0.5)
        try model.set("powerlaw.PhoIndex", to: 1.8)
        try model.set("powerlaw.norm", to: 1e-2)
        try model.set("gaussian.LineE", to: 6.4)
        try model.set("gaussian.Sigma", to: 0.05)
        try model.set("gaussian.norm", to: 1e-3)
        let compiled = try model.compiled(for: response.matrix.energies)
        var counts = try ResponseCountsModel(model: compiled, response: response, exposure: 1e4)
        let values = model.values
        var predicted = [Double](repeating: 0, count: counts.channelCount)
        try values.withUnsafeBufferPointer { v in try predicted.withUnsafeMutableBufferPointer { try counts.predict(parameters: v, into: $0) } }
        let reference = try response.expectedCounts(photonFlux: compiled.evaluate(values), exposure: 1e4)
        for c in predicted.indices { #expect(abs(predicted[c] - reference[c]) <= 1e-12 * max(1, reference[c])) }
        // The hint: moving the line (index of gaussian.LineE) refolds a few rows onto the reference.
        let lineE = try model.index(of: "gaussian.LineE")
        var moved = values
        moved[lineE] = 6.45
        var hinted = [Double](repeating: 0, count: counts.channelCount), full = hinted
        try moved.withUnsafeBufferPointer { m in
            try values.withUnsafeBufferPointer { v in
                try predicted.withUnsafeBufferPointer { p in
                    try [lineE].withUnsafeBufferPointer { changed in
                        try hinted.withUnsafeMutableBufferPointer {
                            try counts.predict(parameters: m, into: $0, reference: v, referenceCounts: p, changed: changed)
                        }
                    }
                }
            }
        }
        var plain = try ResponseCountsModel(model: compiled, response: response, exposure: 1e4)
        try moved.withUnsafeBufferPointer { m in try full.withUnsafeMutableBufferPointer { try plain.predict(parameters: m, into: $0) } }
        for c in full.indices { #expect(abs(hinted[c] - full[c]) <= 1e-10 * max(1, full[c])) }
    }

    @Test func fakeitThenFitRecoversAbsorbedPowerLawPlusLine() throws {
        let response = try Self.syntheticResponse()
        var model = try Model("tbabs*(powerlaw + gaussian)")
        let truth: [(String, Double)] = [("tbabs.nH", 0.5), ("powerlaw.PhoIndex", 1.8), ("powerlaw.norm", 1e-2),
                                         ("gaussian.LineE", 6.4), ("gaussian.Sigma", 0.05), ("gaussian.norm", 1e-3)]
        for (address, value) in truth { try model.set(address, to: value) }
        try model.freeze("gaussian.Sigma")
        let compiled = try model.compiled(for: response.matrix.energies)
        var counts = try ResponseCountsModel(model: compiled, response: response, exposure: 2e4)
        let expected = try response.expectedCounts(photonFlux: compiled.evaluate(model.values), exposure: 2e4)
        // Start away from the truth.
        var start = model
        try start.set("tbabs.nH", to: 0.2)
        try start.set("powerlaw.PhoIndex", to: 1.5)
        try start.set("powerlaw.norm", to: 5e-3)
        try start.set("gaussian.norm", to: 5e-4)
        let parameters = try FitParameters(model: start)
        #expect(parameters.freeNames == ["tbabs.nH", "powerlaw.PhoIndex", "powerlaw.norm", "gaussian.LineE", "gaussian.norm"])
        var pulls: [Double] = []
        for sample in 0..<8 {
            let data = poissonSpectrum(expected, seed: 61, sample: UInt64(sample))
            let spectrum = SpectrumData(name: "fake \(sample)", counts: data, channelEnergies: ChannelEnergies(response.matrix.channelEnergies))
            let problem = try FitProblem(data: FitData(spectrum: spectrum, band: .only(0.5...9)), statistic: .cstat, parameters: parameters)
            let result = try Fitter().fit(problem, model: &counts, sampleIndex: UInt64(sample))
            for (k, index) in result.parameters.freeIndices.enumerated() {
                pulls.append((result.values[index] - model.values[index]) / result.errors[k]!)
            }
        }
        #expect(pulls.allSatisfy { abs($0) < 4.5 }, "pulls \(pulls)")
    }

    @Test(.enabled(if: ReferenceData.has("responses/nustar/nustar_fpma.rmf"), ReferenceData.skipReason))
    func nustarFakeitThenFit() throws {
        let response = try ResponsePair.read(matrix: ReferenceData.path("responses/nustar/nustar_fpma.rmf"),
                                             ancillary: ReferenceData.path("responses/nustar/nustar_fpma.arf"))
        var model = try Model("tbabs*powerlaw")
        try model.set("tbabs.nH", to: 1.0)
        try model.set("powerlaw.PhoIndex", to: 2.0)
        try model.set("powerlaw.norm", to: 1e-2)
        let compiled = try model.compiled(for: response.matrix.energies)
        var counts = try ResponseCountsModel(model: compiled, response: response, exposure: 5e4)
        let expected = try response.expectedCounts(photonFlux: compiled.evaluate(model.values), exposure: 5e4)
        var start = model
        try start.set("tbabs.nH", to: 3)
        try start.set("powerlaw.PhoIndex", to: 1.5)
        try start.set("powerlaw.norm", to: 3e-3)
        let data = poissonSpectrum(expected, seed: 62, sample: 0)
        let spectrum = SpectrumData(name: "nustar fake", counts: data, channelEnergies: ChannelEnergies(response.matrix.channelEnergies))
        let problem = try FitProblem(data: FitData(spectrum: spectrum, band: .only(3...79), grouping: .minimumCounts(20)), statistic: .cstat,
                                     parameters: FitParameters(model: start))
        let result = try Fitter().fit(problem, model: &counts)
        for (k, index) in result.parameters.freeIndices.enumerated() {
            let pull = (result.values[index] - model.values[index]) / result.errors[k]!
            #expect(abs(pull) < 4.5, "\(result.parameters.all[index].name): pull \(pull)")
        }
        let report = try Fitter().confidenceIntervals(around: result, problem: problem, model: &counts)
        let complete = report.intervals.allSatisfy { $0.isComplete }
        #expect(complete, "\(report.intervals.map(\.xspecErrorString))")
    }

    @Test func phaConversion() throws {
        var source = PHASpectrum(values: .rates([1, 2, 0.5]), exposure: 100)
        source.backgroundScale = .uniform(0.1)
        source.quality = [0, 0, 5]
        var background = PHASpectrum(values: .counts([4, 6, 8]), exposure: 400)
        background.backgroundScale = .perChannel([0.5, 0.5, 1])
        let spectrum = try SpectrumData(pha: source, background: background, channelEnergies: nil, name: "src.pha")
        #expect(spectrum.counts == [100, 200, 50])
        #expect(spectrum.quality == [0, 0, 5])
        #expect(spectrum.background?.ratios == [20, 20, 40])
        background.values = .counts([1, 2])
        #expect(throws: FitError.self) { try SpectrumData(pha: source, background: background, channelEnergies: nil, name: "src.pha") }
    }
}
