import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// fakeit: Poisson draws whose mean is the expected counts, PHA files XSPEC/Sherpa accept.
@Suite struct FakeItTests {
    static func powerLaw(_ index: Double = 1.7, norm: Double = 2e-3) throws -> Model {
        var model = try Model("tbabs*powerlaw")
        try model.apply("tbabs.nH=0.03"); try model.apply("PhoIndex=\(index)"); try model.apply("powerlaw.norm=\(norm)")
        return model
    }

    /// Σ of N independent draws per channel ~ Poisson(N μ): a χ² test over channels with N μ ≥ 20.
    static func chiSquared(sums: [Double], expected: [Double], draws: Int) -> (statistic: Double, dof: Int, p: Double) {
        var statistic = 0.0, dof = 0
        for (s, mu) in zip(sums, expected) where Double(draws) * mu >= 20 {
            let m = Double(draws) * mu
            statistic += (s - m) * (s - m) / m
            dof += 1
        }
        return (statistic, dof, ChiSquaredDistribution.survival(statistic, degreesOfFreedom: Double(dof)))
    }

    @Test func meanOfManyDrawsIsTheExpectedSpectrum() throws {
        let folder = Fixtures.chandra.defaultFolder
        let model = try Self.powerLaw()
        let draws = 300
        var sums = [Double](repeating: 0, count: folder.channelCount)
        var expected: [Double] = []
        for i in 0..<draws {
            let result = try FakeIt.simulate(model: model, folder: folder, exposure: 4e3, options: .init(seed: 11, index: UInt64(i)))
            expected = result.expectedSource
            for c in sums.indices { sums[c] += result.counts[c] }
            #expect(result.counts.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
        }
        #expect(expected.max()! > 10 && expected.min()! < 1)   // both sampler regimes
        let test = Self.chiSquared(sums: sums, expected: expected, draws: draws)
        #expect(test.dof > 300)
        #expect(test.p > 1e-3, "χ² = \(test.statistic) for \(test.dof) channels, p = \(test.p)")
    }

    @Test func drawsAreReproducibleAndSeedDependent() throws {
        let folder = Fixtures.nustar.defaultFolder
        let model = try Self.powerLaw()
        let a = try FakeIt.simulate(model: model, folder: folder, exposure: 1e5, options: .init(seed: 5))
        let b = try FakeIt.simulate(model: model, folder: folder, exposure: 1e5, options: .init(seed: 5))
        let c = try FakeIt.simulate(model: model, folder: folder, exposure: 1e5, options: .init(seed: 6))
        #expect(a.counts == b.counts)
        #expect(a.counts != c.counts)
    }

    @Test func writesAPHAWithItsResponseThatRefoldsToTheSameCounts() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let instrument = Fixtures.hitomi
        let folder = instrument.defaultFolder
        let result = try FakeIt.simulate(model: try Self.powerLaw(2, norm: 0.5), folder: folder, exposure: 5e4, options: .init(seed: 1))
        let path = directory.appendingPathComponent("sxs.pha").path
        let files = try FakeIt.write(result, folder: folder, identity: instrument.identity, to: path)
        #expect(files.rmf.hasSuffix("sxs.rmf") && files.arf?.hasSuffix("sxs.arf") == true && files.background == nil)

        let spectrum = try PHASpectrum.read(path)
        #expect(spectrum.values.values == result.counts)
        #expect(spectrum.firstChannel == 1800 && spectrum.detectorChannels == 7200)
        #expect(spectrum.exposure == 5e4)
        #expect(spectrum.responseFile == "sxs.rmf" && spectrum.ancillaryFile == "sxs.arf" && spectrum.backgroundFile == nil)
        #expect(spectrum.identity.telescope == "HITOMI" && spectrum.identity.instrument == "SXS")
        #expect(spectrum.poissonErrors)

        // The written response reproduces the expected counts through PerseusIO's own folding.
        let pair = try ResponsePair.read(matrix: files.rmf, ancillary: files.arf)
        #expect(pair.matrix.firstChannel == 1800 && pair.matrix.channelCount == 7200)
        let flux = try Self.powerLaw(2, norm: 0.5).compiled(for: pair.matrix.energies).evaluate(try Self.powerLaw(2, norm: 0.5).values)
        let refolded = try pair.expectedCounts(photonFlux: flux, exposure: 5e4)
        for c in 0..<refolded.count where result.expectedSource[c] > 0 {
            #expect(abs(refolded[c] / result.expectedSource[c] - 1) < 1e-6)
        }

        // Existing files are refused, naming the file, and left untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            try FakeIt.write(result, folder: folder, identity: instrument.identity, to: path)
        } throws: { error in
            "\(error)".contains("sxs.pha: file exists; pass --overwrite to replace it")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        try FakeIt.write(result, folder: folder, identity: instrument.identity, to: path, overwrite: true)
    }

    /// Sherpa loads the PHA with its RMF and ARF and predicts the same counts.
    @Test(.enabled(if: Python.canImport("sherpa.astro.ui"), "python3 with sherpa is not available"))
    func sherpaPredictsTheSameCounts() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let instrument = Fixtures.nustar
        let folder = instrument.defaultFolder
        var model = try Model("powerlaw")
        try model.apply("PhoIndex=1.9"); try model.apply("powerlaw.norm=0.003")
        let result = try FakeIt.simulate(model: model, folder: folder, exposure: 2e5, options: .init(seed: 2))
        let path = directory.appendingPathComponent("nu.pha").path
        try FakeIt.write(result, folder: folder, identity: instrument.identity, to: path)
        let code = """
        import sys, json, warnings, logging
        warnings.filterwarnings('ignore'); logging.getLogger('sherpa').setLevel(logging.ERROR)
        from sherpa.astro import ui
        ui.load_pha(sys.argv[1])
        ui.set_source(ui.powlaw1d.p)
        p.gamma = 1.9; p.ampl = 0.003; p.ref = 1
        d = ui.get_data()
        print(json.dumps({'counts': list(map(float, d.eval_model(ui.get_model()))), 'channel0': float(d.channel[0]),
                          'data': list(map(float, d.counts))}))
        """
        // Sherpa reports the files it reads on standard output: the JSON is the last line.
        let lastLine = try Python.run(code, arguments: [path]).split(separator: "\n").last.map(String.init) ?? ""
        let output = try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as! [String: Any]
        let sherpa = (output["counts"] as! [NSNumber]).map(\.doubleValue)
        #expect(sherpa.count == result.expectedSource.count)
        #expect((output["channel0"] as! NSNumber).intValue == 35)
        #expect((output["data"] as! [NSNumber]).map(\.doubleValue) == result.counts)
        var worst = 0.0
        for (a, b) in zip(sherpa, result.expectedSource) where b > 1e-3 { worst = max(worst, abs(a / b - 1)) }
        #expect(worst < 1e-6, "largest relative difference \(worst)")
    }

    @Test func multiplicativeModelsAndBadExposuresAreRefused() throws {
        let folder = Fixtures.chandra.defaultFolder
        #expect(throws: InstrumentError.self) { _ = try FakeIt.simulate(model: try Model("tbabs"), folder: folder, exposure: 1e4) }
        #expect(throws: InstrumentError.self) { _ = try FakeIt.simulate(model: try Self.powerLaw(), folder: folder, exposure: 0) }
        // Asking for a background from a folder without one names the problem.
        #expect {
            _ = try FakeIt.simulate(model: try Self.powerLaw(), folder: folder, exposure: 1e4, options: .init(background: true))
        } throws: { error in
            "\(error)".contains("chandra-acis-i background: none prepared")
        }
    }
}
