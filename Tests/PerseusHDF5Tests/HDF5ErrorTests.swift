import Foundation
import Testing
@testable import PerseusHDF5

/// Bad input becomes a typed `HDF5Error` naming the file and object, never a crash or a
/// message printed by libhdf5.
@Suite struct HDF5ErrorTests {
    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.h5")
        #expect(throws: HDF5Error.fileNotFound(path: path)) { try HDF5File(opening: path) }
    }

    @Test func fileThatIsNotHDF5() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("text.h5")
        try Data("SIMPLE  =                    T / this is FITS, not HDF5\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: HDF5Error.notHDF5(path: path)) { try HDF5File(opening: path) }
        let empty = directory.path("empty.h5")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(throws: HDF5Error.notHDF5(path: empty)) { try HDF5File(opening: empty) }
    }

    @Test func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("cut.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.createDataset("x", values: (0..<50_000).map { Double($0) })
            try file.setAttribute("note", .string("written whole"))
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try HDF5File(opening: path) }
        guard case let .openFailed(failedPath, _, reason) = error else {
            Issue.record("expected openFailed, got \(error)"); return
        }
        #expect(failedPath == path)
        #expect(reason.contains("truncated"), "HDF5's reason should say the file is truncated: \(reason)")
        #expect(error.description.hasPrefix(path))
    }

    @Test func wrongDatasetName() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("n.h5")
        let file = try HDF5File(creating: path)
        try file.createDataset("spectra", values: [Int32(1)])
        let error = try #require(throws: HDF5Error.self) { try file.dataset("spectrum") }
        #expect(error == .objectNotFound(file: path, object: "/spectrum", expected: "a dataset"))
        #expect(error.description == "\(path): no object '/spectrum'; expected a dataset")
        #expect(throws: HDF5Error.objectNotFound(file: path, object: "/a/b", expected: "a group")) { try file.group("a/b") }
    }

    @Test func wrongTypeOrShapeOnRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.h5")
        let file = try HDF5File(creating: path)
        let dataset = try file.createDataset("counts", values: [Int32](repeating: 3, count: 12), shape: [3, 4])
        #expect(throws: HDF5Error.typeMismatch(file: path, object: "/counts", expected: "float32", found: "int32")) {
            try dataset.read(as: Float.self)
        }
        #expect(throws: HDF5Error.typeMismatch(file: path, object: "/counts", expected: "int64", found: "int32")) {
            try dataset.readRows(0..<1, as: Int64.self)
        }
        #expect(throws: HDF5Error.shapeMismatch(file: path, object: "/counts", expected: "[3, 5]", found: "[3, 4]")) {
            try dataset.read(as: Int32.self, expectingShape: [3, 5])
        }
        #expect(throws: HDF5Error.outOfRange(file: path, object: "/counts", requested: "rows 2..<4", available: "3 rows")) {
            try dataset.readRows(2..<4, as: Int32.self)
        }
        var small = [Int32](repeating: 0, count: 5)
        #expect(throws: HDF5Error.self) { try small.withUnsafeMutableBufferPointer { try dataset.readRows(0..<2, into: $0) } }
        #expect(throws: HDF5Error.self) { try dataset.writeRows([Int32](repeating: 1, count: 5), at: 0) }
        #expect(throws: HDF5Error.self) { try dataset.write([Int32](repeating: 1, count: 11)) }
    }

    @Test func createRefusesExistingFileUnlessTruncating() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("x.h5")
        _ = try HDF5File(creating: path)
        #expect(throws: HDF5Error.fileExists(path: path)) { try HDF5File(creating: path) }
        let replaced = try HDF5File(creating: path, mode: .truncate)
        #expect(try replaced.members().isEmpty)
        let error = try #require(throws: HDF5Error.self) { try HDF5File(creating: directory.path("no/such/dir.h5")) }
        guard case .openFailed = error else { Issue.record("expected openFailed, got \(error)"); return }
    }

    @Test func readOnlyFileRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ro.h5")
        do { try HDF5File(creating: path).createDataset("x", values: [1.0]) }
        let file = try HDF5File(opening: path)
        let error = try #require(throws: HDF5Error.self) { try file.dataset("x").write([2.0]) }
        guard case let .callFailed(failedFile, object, _, reason) = error else { Issue.record("got \(error)"); return }
        #expect(failedFile == path && object == "/x" && !reason.isEmpty)
        #expect(throws: HDF5Error.self) { try file.createGroup("g") }
        try file.close()
        #expect(try HDF5File(opening: path, mode: .readWrite).dataset("x").read(as: Double.self) == [1.0])
    }

    @Test func closedHandlesThrow() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("c.h5")
        let file = try HDF5File(creating: path)
        let dataset = try file.createDataset("x", values: [Float(1)])
        try dataset.close()
        try dataset.close()     // closing twice is harmless
        #expect(!dataset.isOpen)
        #expect(throws: HDF5Error.closed(file: path, object: "/x")) { try dataset.read(as: Float.self) }
        try file.close()
        #expect(throws: HDF5Error.closed(file: path, object: "/")) { try file.members() }
        #expect(try HDF5File(opening: path).dataset("x").read(as: Float.self) == [1])
    }

    @Test func invalidCreationArguments() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File(creating: directory.path("i.h5"))
        #expect(throws: HDF5Error.self) { try file.createDataset("a", type: .float32, shape: [-1]) }
        #expect(throws: HDF5Error.self) { try file.createDataset("b", type: .float32, shape: [4], options: .compressed(level: 12)) }
        #expect(throws: HDF5Error.self) {
            try file.createDataset("c", type: .float32, shape: [4, 4], options: .compressed(chunkShape: [2]))
        }
        #expect(throws: HDF5Error.self) { try file.createDataset("d", type: .float32, shape: [], options: .compressed()) }
        #expect(throws: HDF5Error.self) { try file.createDataset("e", values: [1.0, 2.0, 3.0], shape: [2, 2]) }
    }
}
