import Foundation
import Testing
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
@testable import PerseusFit

/// Fitting a whole dataset (``DatasetFit``) and its results file (``FitResultsFile``): every
/// sample is a row — failures included —, the result does not depend on threads or blocks, the
/// file round-trips and h5py reads it as documented in docs/fit-results.md.
@Suite struct DatasetFitTests {
    /// A dataset of `tbabs*powerlaw` spectra through the fake observation's response, channels
    /// 11…490 of it (a band, as simulations store), truth columns nH, PhoIndex, norm; sample 3
    /// is all zeros (its fit must fail and stay a row).
    static func makeDataset(_ observation: FakeObservation, path: String, count: Int) throws -> [[Double]] {
        let matrix = observation.response.matrix
        let first = 10, width = 480
        let channels = DatasetChannels(channel: (first..<(first + width)).map { Int32(matrix.firstChannel + $0) },
                                       eMin: Array(matrix.channelEnergies.lo[first..<(first + width)]),
                                       eMax: Array(matrix.channelEnergies.hi[first..<(first + width)]))
        let description = DatasetDescription(
            layout: .spectra(channels), classes: [DatasetClass("soft"), DatasetClass("hard", isAnomaly: true)],
            parameters: [DatasetQuantity("tbabs.nH", unit: "10^22"), DatasetQuantity("powerlaw.PhoIndex"), DatasetQuantity("powerlaw.norm")],
            metadata: DatasetMetadata(instrument: "fake", exposure: observation.exposure, seed: 5))
        let writer = try DatasetWriter(path: path, description: description)
        var truths: [[Double]] = []
        for i in 0..<count {
            var model = try Model("tbabs*powerlaw")
            let truth = [0.2 + 0.02 * Double(i), 1.5 + 0.05 * Double(i), 5e-3]
            try model.set("tbabs.nH", to: truth[0])
            try model.set("powerlaw.PhoIndex", to: truth[1])
            try model.set("powerlaw.norm", to: truth[2])
            let expected = try observation.expectedCounts(model)
            let counts = i == 3 ? [Int32](repeating: 0, count: width)
                : poissonSpectrum(Array(expected[first..<(first + width)]), seed: 9, sample: UInt64(i)).map { Int32($0) }
            try writer.append(DatasetSample(index: i, values: .counts(counts), label: i % 2, truth: truth))
            truths.append(truth)
        }
        _ = try writer.finish()
        return truths
    }

    static func description(_ delta: Double? = nil) -> FitResultsTable.Description {
        FitResultsTable.Description(expression: "tbabs*powerlaw", statistic: "cstat", band: "all", grouping: "none", abundanceTable: "angr",
                                    source: "test.h5", response: "fake.rmf + fake.arf", exposure: 2e4, seed: 0, deltaStatistic: delta)
    }

    func plan(_ observation: FakeObservation, path: String, fixIndex: Bool = false) throws -> DatasetFit {
        var model = try Model("tbabs*powerlaw")
        try model.set("tbabs.nH", to: 0.1)
        try model.set("powerlaw.PhoIndex", to: 2)
        try model.set("powerlaw.norm", to: 1)          // far off: the fitter's renormalisation handles it
        let reader = try DatasetReader(path: path)
        let fixes = fixIndex ? [DatasetFit.TruthFix(parameter: try model.index(of: "powerlaw.PhoIndex"), columns: [1])] : []
        return try DatasetFit(reader: reader, model: model, response: observation.response, exposure: observation.exposure,
                              band: .only(0.5...9), truthFixes: fixes)
    }

    @Test func everySampleIsARowAndThreadsDoNotMatter() throws {
        let observation = try FakeObservation(exposure: 2e4)
        defer { observation.remove() }
        let path = observation.directory.appendingPathComponent("data.h5").path
        let truths = try Self.makeDataset(observation, path: path, count: 9)
        let plan = try plan(observation, path: path)
        let one = try plan.run(rows: 0..<9, fitter: BatchFitter(threads: 1), description: Self.description(), blockSize: 4)
        let two = try plan.run(rows: 0..<9, fitter: BatchFitter(threads: 2), description: Self.description(), blockSize: 1024)
        #expect(one == two)
        #expect(one.count == 9 && one.sampleIndex == Array(0..<9) && one.label == (0..<9).map { $0 % 2 })
        #expect(one.classNames == ["soft", "hard"] && one.classIsAnomaly == [false, true])
        // Sample 3 (all zeros) failed and is kept with NaN values.
        #expect(one.status[3] == FitError.allZeroData(spectrum: "", channels: 0).statusNumber && one.statusText[3] == "all-zero-data")
        #expect(one.message[3].contains("sample 3"))
        #expect(one.values[(3 * 3)..<(4 * 3)].allSatisfy(\.isNaN) && one.statistic[3].isNaN && one.degreesOfFreedom[3] == -1)
        #expect(one.failureCount == 1 && one.failuresByCode.first?.code == "all-zero-data")
        // The others converged near their truths (within 5σ).
        for i in 0..<9 where i != 3 {
            #expect(one.status[i] < 10, "sample \(i): \(one.message[i])")
            for k in 0..<3 {
                let value = one.values[i * 3 + k], error = one.errors[i * 3 + k]
                #expect(abs(value - truths[i][k]) < 5 * error, "sample \(i) parameter \(k): \(value) ± \(error) vs \(truths[i][k])")
            }
        }
        // A row range picks the same rows.
        let part = try plan.run(rows: 4..<7, fitter: BatchFitter(threads: 2), description: Self.description())
        #expect(part.sampleIndex == [4, 5, 6] && Array(part.values) == Array(one.values[12..<21]))
    }

    @Test func truthFixFreezesTheParameterPerSample() throws {
        let observation = try FakeObservation(exposure: 2e4)
        defer { observation.remove() }
        let path = observation.directory.appendingPathComponent("data.h5").path
        let truths = try Self.makeDataset(observation, path: path, count: 5)
        let plan = try plan(observation, path: path, fixIndex: true)
        let table = try plan.run(rows: 0..<5, fitter: BatchFitter(threads: 2), description: Self.description())
        #expect(table.parameters.map(\.isFree) == [true, false, true])
        for i in [0, 1, 2, 4] {
            #expect(table.values[i * 3 + 1] == truths[i][1])
            #expect(table.errors[i * 3 + 1].isNaN)
            #expect(table.degreesOfFreedom[i] == table.bins[i] - 2)
        }
    }

    @Test func resultsFileRoundTripsWithIntervals() throws {
        let observation = try FakeObservation(exposure: 2e4)
        defer { observation.remove() }
        let path = observation.directory.appendingPathComponent("data.h5").path
        _ = try Self.makeDataset(observation, path: path, count: 5)
        let plan = try plan(observation, path: path)
        let table = try plan.run(rows: 0..<5, fitter: BatchFitter(threads: 2, intervals: ConfidenceIntervalOptions(deltaStatistic: 1)),
                                 description: Self.description(1))
        #expect(table.lower.count == 15 && table.intervalFlags[0] == 0)
        for i in [0, 1, 2, 4] {
            for k in 0..<3 { #expect(table.lower[i * 3 + k] < table.values[i * 3 + k] && table.values[i * 3 + k] < table.upper[i * 3 + k]) }
        }
        let out = observation.directory.appendingPathComponent("fits.h5").path
        try FitResultsFile.write(table, to: out)
        #expect(try FitResultsFile.read(out) == table)
        #expect(throws: OutputError.self) { try FitResultsFile.write(table, to: out) }
        try FitResultsFile.write(table, to: out, overwrite: true)
        #expect(throws: FitResultsFileError.self) { try FitResultsFile.read(path) }   // a dataset, not results
    }

    @Test(.enabled(if: Python.canImport("h5py", "numpy"), "h5py and numpy are needed to read the results file from Python"))
    func h5pyReadsTheResultsFileAsDocumented() throws {
        let observation = try FakeObservation(exposure: 2e4)
        defer { observation.remove() }
        let path = observation.directory.appendingPathComponent("data.h5").path
        _ = try Self.makeDataset(observation, path: path, count: 5)
        let table = try plan(observation, path: path).run(rows: 0..<5, fitter: BatchFitter(threads: 1), description: Self.description())
        let out = observation.directory.appendingPathComponent("fits.h5").path
        try FitResultsFile.write(table, to: out)
        let code = """
        import json, sys
        import h5py, numpy as np
        with h5py.File(sys.argv[1], "r") as f:
            names = [str(n) for n in f["values"].attrs["parameter_names"]]
            values = f["values"][:]
            print(json.dumps({
                "format": str(f.attrs["format"]), "schema": int(f.attrs["schema_version"]), "n": int(f.attrs["sample_count"]),
                "names": names, "shape": list(values.shape), "status": f["status"][:].tolist(),
                "status_text": list(f["status_text"].asstr()[:]), "message3": f["message"].asstr()[3],
                "index": [None if np.isnan(x) else float(x) for x in values[:, names.index("powerlaw.PhoIndex")]],
                "nan_row3": bool(np.isnan(values[3]).all()), "classes": [str(c) for c in f["label"].attrs["class_names"]],
                "free": f["values"].attrs["parameter_free"].tolist(), "has_lower": "lower" in f,
            }))
        """
        let object = try #require(Python.json(code, arguments: [out]) as? [String: Any])
        #expect(object["format"] as? String == "perseus-fit-results" && object["schema"] as? Int == 1 && object["n"] as? Int == 5)
        #expect(object["names"] as? [String] == ["tbabs.nH", "powerlaw.PhoIndex", "powerlaw.norm"])
        #expect(object["shape"] as? [Int] == [5, 3])
        #expect(object["status"] as? [Int] == table.status && object["status_text"] as? [String] == table.statusText)
        #expect((object["message3"] as? String)?.contains("zero counts") == true)
        let index = try #require(object["index"] as? [Any])
        #expect(index.count == 5 && (index[0] as? Double) == table.values[1])
        #expect(object["nan_row3"] as? Bool == true && object["classes"] as? [String] == ["soft", "hard"])
        #expect(object["free"] as? [Int] == [1, 1, 1] && object["has_lower"] as? Bool == false)
    }
}
