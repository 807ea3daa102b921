import Foundation
import PerseusCore
import PerseusHDF5
import Testing
@testable import PerseusIO

/// Bad descriptions, bad samples and bad files give typed errors that name the file, the sample
/// or member, and what was expected; nothing is silently fixed.
@Suite struct DatasetErrorTests {
    // MARK: Writing

    @Test func invalidDescriptionsAreRefusedBeforeAnyFileIsCreated() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("bad.h5")
        let good = DatasetFixtures.spectra(channels: 4)
        var cases: [(DatasetDescription, String)] = []
        var d = good; d.classes = []; cases.append((d, "at least one class"))
        d = good; d.classes = [DatasetClass("a"), DatasetClass("a")]; cases.append((d, "class 'a' appears twice"))
        d = good; d.parameters = [DatasetQuantity("kT"), DatasetQuantity("kT")]; cases.append((d, "parameter 'kT' appears twice"))
        d = good; d.layout = .spectra(DatasetChannels(channel: [1, 2], eMin: [1], eMax: [2, 3])); cases.append((d, "2 channel numbers but 1 e_min"))
        d = good; d.layout = .spectra(DatasetChannels(channel: [1], eMin: [2], eMax: [1])); cases.append((d, "channel 1: energy bounds 2.0…1.0 keV"))
        d = good; d.layout = .spectra(DatasetChannels(channel: [], eMin: [], eMax: [])); cases.append((d, "at least one channel"))
        d = good; d.layout = .images(height: 0, width: 5); cases.append((d, "image size 0 × 5"))
        d = good; d.layout = .events(features: []); cases.append((d, "at least one feature"))
        d = good; d.metadata.exposure = -1; cases.append((d, "exposure -1.0 s"))
        d = good; d.metadata.exposure = .nan; cases.append((d, "exposure nan s"))
        d = good; d.metadata.shard = DatasetShard(index: 4, count: 4); cases.append((d, "shard 4 of 4"))
        d = good; d.sampleUnits = "photons"; cases.append((d, "spectra hold counts"))
        for (description, message) in cases {
            let error = try #require(throws: DatasetError.self) { try DatasetWriter(path: path, description: description) }
            guard case let .invalidDescription(errorPath, text) = error else { Issue.record("got \(error)"); continue }
            #expect(errorPath == path)
            #expect(text.contains(message), "\(text) should contain \(message)")
        }
        #expect(throws: DatasetError.self) { try DatasetWriter(path: path, description: good, batchRows: 0) }
        #expect(try directory.contents().isEmpty)
    }

    @Test func badSamplesAreRefusedAndTheWriterStaysUsable() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("samples.h5")
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 4))
        let good = DatasetFixtures.spectrum(0, channels: 4)
        var s = good; s.index = 1
        #expect(throws: DatasetError.outOfOrder(path: path, expected: 0, received: 1)) { try writer.append(s) }
        s = good; s.values = .counts([1, 2, 3])
        #expect(throws: DatasetError.sampleSize(path: path, index: 0, what: "counts", expected: 4, found: 3)) { try writer.append(s) }
        s = good; s.values = .values([1, 2, 3, 4])
        #expect(throws: DatasetError.sampleValues(path: path, index: 0, expected: "int32 counts (a spectrum)", found: "float values")) {
            try writer.append(s)
        }
        s = good; s.values = .counts([1, -2, 3, 4])
        #expect(throws: DatasetError.negativeCount(path: path, index: 0, channel: 1, value: -2)) { try writer.append(s) }
        s = good; s.label = 3
        #expect(throws: DatasetError.labelOutOfRange(path: path, index: 0, label: 3, classCount: 3)) { try writer.append(s) }
        s = good; s.truth = [1, 2]
        #expect(throws: DatasetError.sampleSize(path: path, index: 0, what: "truth", expected: 5, found: 2)) { try writer.append(s) }
        s = good; s.expected = nil
        #expect(throws: DatasetError.expectedPresence(path: path, index: 0, declared: true)) { try writer.append(s) }
        s = good; s.expected = [1, 2]
        #expect(throws: DatasetError.sampleSize(path: path, index: 0, what: "expected", expected: 4, found: 2)) { try writer.append(s) }
        try writer.append(good)
        _ = try writer.finish()
        #expect(DatasetFixtures.same(try DatasetReader(path: path).sample(0), good))

        let images = try DatasetWriter(path: directory.path("images.h5"), description: DatasetDescription(
            layout: .images(height: 2, width: 2), classes: [DatasetClass("c")], metadata: DatasetFixtures.metadata()))
        #expect(throws: DatasetError.self) { try images.append(DatasetSample(index: 0, values: .counts([1, 2, 3, 4]), label: 0)) }
        #expect(throws: DatasetError.expectedPresence(path: directory.path("images.h5"), index: 0, declared: false)) {
            try images.append(DatasetSample(index: 0, values: .values([1, 2, 3, 4]), expected: [1, 2, 3, 4], label: 0))
        }
    }

    // MARK: Reading

    @Test func missingNonHDF5AndTruncatedFiles() throws {
        let directory = try DatasetTestDirectory()
        let missing = directory.path("missing.h5")
        #expect(throws: HDF5Error.fileNotFound(path: missing)) { try DatasetReader(path: missing) }
        let text = directory.path("text.h5")
        try Data("not hdf5 at all".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: HDF5Error.notHDF5(path: text)) { try DatasetReader(path: text) }

        let cut = directory.path("cut.h5")
        let writer = try DatasetWriter(path: cut, description: DatasetFixtures.spectra(channels: 200))
        for i in 0..<300 { try writer.append(DatasetFixtures.spectrum(i, channels: 200)) }
        _ = try writer.finish()
        let data = try Data(contentsOf: URL(fileURLWithPath: cut))
        try data.prefix(data.count * 2 / 3).write(to: URL(fileURLWithPath: cut))
        let error = try #require(throws: HDF5Error.self) { try DatasetReader(path: cut) }
        #expect(error.description.hasPrefix(cut) && error.description.contains("truncated"), "\(error)")
    }

    @Test func plainHDF5FileIsNotADataset() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("plain.h5")
        do { try HDF5File(creating: path).createDataset("spectra", values: [Int32(1)]) }
        #expect(throws: DatasetError.notADataset(path: path, reason: "the root group has no 'format' attribute")) {
            try DatasetReader(path: path)
        }
        do { try HDF5File(opening: path, mode: .readWrite).setAttribute("format", .string("something-else")) }
        #expect(throws: DatasetError.notADataset(path: path, reason: "format is 'something-else'; expected 'perseus-dataset'")) {
            try DatasetReader(path: path)
        }
    }

    /// Writes a small valid dataset, then lets `tamper` change it.
    func tampered(_ directory: DatasetTestDirectory, _ tamper: (HDF5File) throws -> Void) throws -> String {
        let path = directory.path("tampered-\(UUID().uuidString).h5")
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 6))
        for i in 0..<5 { try writer.append(DatasetFixtures.spectrum(i, channels: 6)) }
        _ = try writer.finish()
        try tamper(try HDF5File(opening: path, mode: .readWrite))
        return path
    }

    @Test func wrongDtypeShapeVersionOrMissingMember() throws {
        let directory = try DatasetTestDirectory()
        var path = try tampered(directory) { try $0.setAttribute("schema_version", .int(2)) }
        #expect(throws: DatasetError.unsupportedSchema(path: path, version: 2, supported: 1)) { try DatasetReader(path: path) }

        path = try tampered(directory) { file in
            try file.remove("spectra")
            try file.createDataset("spectra", values: [Float](repeating: 1, count: 30), shape: [5, 6])
        }
        #expect(throws: DatasetError.malformed(path: path, object: "/spectra", message: "holds float32; expected int32")) {
            try DatasetReader(path: path)
        }

        path = try tampered(directory) { file in
            try file.remove("labels")
            let labels = try file.createDataset("labels", values: [Int64](repeating: 0, count: 4))
            try labels.setAttribute("class_names", .strings(["a"]))
            try labels.setAttribute("class_is_anomaly", .ints([0]))
        }
        #expect(throws: DatasetError.malformed(path: path, object: "/labels", message: "has shape [4]; expected [5] (one row per sample)")) {
            try DatasetReader(path: path)
        }

        path = try tampered(directory) { file in
            try file.remove("e_max")
            try file.createDataset("e_max", values: [1.0, 2.0])
        }
        #expect(throws: DatasetError.malformed(path: path, object: "/e_max",
                                               message: "holds float64 [2]; expected float64 [6] (one per channel)")) {
            try DatasetReader(path: path)
        }

        path = try tampered(directory) { try $0.remove("sample_index") }
        #expect(throws: HDF5Error.objectNotFound(file: path, object: "/sample_index", expected: "a dataset")) {
            try DatasetReader(path: path)
        }

        path = try tampered(directory) { try $0.setAttribute("kind", .string("movies")) }
        #expect(throws: DatasetError.self) { try DatasetReader(path: path) }
    }

    @Test func rowsOutOfRangeAndWrongKind() throws {
        let directory = try DatasetTestDirectory()
        let path = try tampered(directory) { _ in }
        let reader = try DatasetReader(path: path)
        #expect(throws: DatasetError.rowOutOfRange(path: path, rows: 5..<6, count: 5)) { try reader.sample(5) }
        #expect(throws: DatasetError.rowOutOfRange(path: path, rows: -1..<2, count: 5)) { try reader.labels(rows: -1..<2) }
        #expect(throws: DatasetError.wrongKind(path: path, operation: "reading float values", expected: .images, found: .spectra)) {
            try reader.values(rows: 0..<1)
        }
        let error = DatasetError.rowOutOfRange(path: path, rows: 5..<6, count: 5)
        #expect(error.description == "\(path): samples 5..<6 requested; the dataset has 5 samples (0..<5)")
    }
}
