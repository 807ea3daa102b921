import Foundation
import Testing
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
@testable import PerseusInstruments

/// A test instrument: 200 channels of 0.05 keV from 0.5 to 10.5 keV, each channel the model bin
/// of the same energies, 100 cm² effective area.
struct DiagonalObserver: CountsObserver {
    let modelGrid = try! EnergyGrid.linear(from: 0.5, to: 10.5, step: 0.05)
    var outputChannels: DatasetChannels { DatasetChannels(grid: modelGrid) }
    let area = 100.0

    func expectedCounts(photonFlux: UnsafeBufferPointer<Double>, exposure: Double, into counts: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<counts.count { counts[i] = photonFlux[i] * area * exposure }
    }
}

@Suite struct SimulationTests {
    static let scenarioText = """
    name: test
    instrument: diagonal
    exposure: 2000
    store_expected: true
    classes:
      - name: soft
        label: normal
        count: 60
        model: tbabs*powerlaw
        parameters:
          nH: 0.05
          PhoIndex: uniform(1.5, 2.5)
          norm: loguniform(1e-3, 1e-2)
      - name: lines
        label: anomaly
        count: 25
        model: tbabs*(powerlaw + gaussian)
        parameters:
          nH: 0.05
          PhoIndex: uniform(1.5, 2.5)
          powerlaw.norm: loguniform(1e-3, 1e-2)
          LineE: uniform(5, 7)
          Sigma: 0.05
          gaussian.norm: = powerlaw.norm / 10
    """

    static func simulation(_ text: String = scenarioText) throws -> Simulation {
        let scenario = try ScenarioParser.parse(text, origin: "test.yaml")
        return try Simulation(scenario: scenario, observer: DiagonalObserver(), instrumentName: "diagonal",
                              exposure: scenario.exposure ?? 1, backgroundCounts: nil, context: ModelContext())
    }

    static func temporary(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-sim-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// Every dataset (all rows, labels, truth, expected) read back as one comparable value (bit
    /// patterns, so the NaN of a parameter a class lacks compares equal to itself).
    static func content(_ path: String) throws -> [[UInt64]] {
        let reader = try DatasetReader(path: path)
        var rows: [[UInt64]] = []
        for i in 0..<reader.sampleCount {
            let sample = try reader.sample(i)
            guard case let .counts(counts) = sample.values else { Issue.record("not counts"); return [] }
            let values = counts.map(Double.init) + [Double(sample.label)] + sample.truth + (sample.expected ?? [])
            rows.append(values.map(\.bitPattern))
        }
        return rows
    }

    @Test func samplesDependOnlyOnSeedAndIndex() throws {
        let simulation = try Self.simulation()
        #expect(simulation.sampleCount == 85 && simulation.truthColumns.count == 6)
        let one = Self.temporary("one.h5"), two = Self.temporary("two.h5")
        var runner = SimulationRunner(simulation: simulation)
        runner.blockSize = 7
        _ = try runner.run(to: one, seed: 11, threads: 1)
        runner.blockSize = 3
        _ = try runner.run(to: two, seed: 11, threads: 2)
        let a = try Self.content(one)
        #expect(a.count == 85)
        #expect(try Self.content(two) == a)
        // Four shards merged give exactly the unsharded dataset.
        var shards: [String] = []
        for k in 1...4 {
            let path = Self.temporary("shard\(k).h5")
            _ = try runner.run(to: path, seed: 11, threads: 2, shard: (k, 4))
            shards.append(path)
        }
        let merged = Self.temporary("merged.h5")
        _ = try DatasetMerge.merge(shards: shards, into: merged)
        #expect(try Self.content(merged) == a)
        // A different seed changes the data.
        let other = Self.temporary("other.h5")
        _ = try runner.run(to: other, seed: 12, threads: 2)
        #expect(try Self.content(other) != a)
    }

    /// Counts are Poisson draws of the stored expectation: χ² of (n − μ)²/μ summed over every
    /// channel of every sample against χ² with that many degrees of freedom.
    @Test func countsArePoissonAroundTheExpectation() throws {
        let path = Self.temporary("poisson.h5")
        _ = try SimulationRunner(simulation: try Self.simulation()).run(to: path, seed: 5, threads: 2)
        let reader = try DatasetReader(path: path)
        var chi2 = 0.0, dof = 0
        for i in 0..<reader.sampleCount {
            let sample = try reader.sample(i)
            guard case let .counts(counts) = sample.values, let mu = sample.expected else { Issue.record("no expectation"); return }
            for (n, m) in zip(counts, mu) where m > 20 {   // Gaussian regime of each term
                chi2 += (Double(n) - m) * (Double(n) - m) / m
                dof += 1
            }
        }
        let p = ChiSquaredDistribution.survival(chi2, degreesOfFreedom: Double(dof))
        #expect(dof > 1000)
        #expect(p > 1e-3 && p < 1 - 1e-3, "χ² \(chi2) for \(dof) terms, p = \(p)")
    }

    @Test func truthHoldsTheDrawnParametersWithNaNForMissingOnes() throws {
        let path = Self.temporary("truth.h5")
        let simulation = try Self.simulation()
        _ = try SimulationRunner(simulation: simulation).run(to: path, seed: 3)
        let reader = try DatasetReader(path: path)
        let names = simulation.truthColumns.map(\.name)
        let lineE = names.firstIndex(of: "gaussian.LineE")!, norm = names.firstIndex(of: "powerlaw.norm")!
        let gnorm = names.firstIndex(of: "gaussian.norm")!
        let first = try reader.sample(0), last = try reader.sample(84)
        #expect(first.label == 0 && first.truth[lineE].isNaN)
        #expect(last.label == 1 && (5...7).contains(last.truth[lineE]))
        #expect(abs(last.truth[gnorm] - last.truth[norm] / 10) < 1e-15)
    }

    @Test func failureMidRunLeavesNoFile() throws {
        // A normal prior on kT-like PhoIndex reaches below its hard limit −3 for some sample.
        let text = Self.scenarioText.replacingOccurrences(of: "PhoIndex: uniform(1.5, 2.5)\n      norm", with: "PhoIndex: normal(0, 3)\n      norm")
        let path = Self.temporary("failed.h5")
        #expect(throws: SimulationError.self) {
            _ = try SimulationRunner(simulation: try Self.simulation(text)).run(to: path, seed: 1, threads: 2)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func existingOutputIsNotOverwrittenUnlessAsked() throws {
        let path = Self.temporary("exists.h5")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: path))
        let runner = SimulationRunner(simulation: try Self.simulation())
        #expect(throws: (any Error).self) { _ = try runner.run(to: path, seed: 1) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
        _ = try runner.run(to: path, seed: 1, overwrite: true)
        #expect(try DatasetReader(path: path).sampleCount == 85)
    }

    /// Binding errors name the line and key: unknown component, unknown parameter, a prior
    /// outside the hard limits, a parameter given twice.
    @Test(arguments: [
        ("model: tbabs*powerlaw", "model: tbabs*powrlaw", 9, "classes[1].model"),
        ("norm: loguniform(1e-3, 1e-2)", "nomr: loguniform(1e-3, 1e-2)", 13, "classes[1].parameters.nomr"),
        ("nH: 0.05\n      PhoIndex", "nH: uniform(-1, 1)\n      PhoIndex", 11, "classes[1].parameters.nH"),
        ("PhoIndex: uniform(1.5, 2.5)\n      norm", "PhoIndex: uniform(1.5, 2.5)\n      powerlaw.PhoIndex: 2\n      norm", 13, "classes[1].parameters.powerlaw.PhoIndex"),
    ] as [(String, String, Int, String)])
    func bindingErrorsNameLineAndKey(original: String, replacement: String, line: Int, key: String) {
        let text = Self.scenarioText.replacingOccurrences(of: original, with: replacement)
        #expect(text != Self.scenarioText)
        do {
            _ = try Self.simulation(text)
            Issue.record("accepted")
        } catch let error as ScenarioError {
            #expect(error.line == line, "\(error)")
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(.enabled(if: Python.canImport("h5py", "numpy"), "h5py and numpy are needed for this cross-check"))
    func h5pyReadsTheDatasetAsDocumented() throws {
        let path = Self.temporary("h5py.h5")
        _ = try SimulationRunner(simulation: try Self.simulation()).run(to: path, seed: 2)
        let reader = try DatasetReader(path: path)
        let s0 = try reader.sample(0)
        guard case let .counts(counts) = s0.values else { return }
        let result = try Python.json("""
        import h5py, json, sys
        f = h5py.File(sys.argv[1], 'r')
        print(json.dumps({
            "shape": list(f["spectra"].shape), "first": [int(x) for x in f["spectra"][0]],
            "labels": [int(x) for x in f["labels"][:]],
            "truth_names": [n.decode() if isinstance(n, bytes) else n for n in f["truth"].attrs["parameter_names"]],
            "instrument": str(f.attrs["instrument"]), "exposure": float(f.attrs["exposure"]),
        }))
        """, arguments: [path]) as! [String: Any]
        #expect(result["shape"] as? [Int] == [85, 200])
        #expect(result["first"] as? [Int] == counts.map(Int.init))
        #expect((result["labels"] as? [Int])?.filter { $0 == 1 }.count == 25)
        #expect(result["instrument"] as? String == "diagonal" && result["exposure"] as? Double == 2000)
        #expect(result["truth_names"] as? [String] == (try Self.simulation()).truthColumns.map(\.name))
    }
}
