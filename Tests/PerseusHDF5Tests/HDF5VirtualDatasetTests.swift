import Foundation
import PerseusTestSupport
import Testing
@testable import PerseusHDF5

/// Virtual datasets join the same-named dataset of several files along the first axis
/// without copying.
@Suite struct HDF5VirtualDatasetTests {
    /// Writes `rows` rows of 6 floats (values encode file and row) to `shards/shard-k.h5`.
    func makeShards(in directory: TemporaryDirectory, rows: [Int]) throws -> (files: [String], values: [Float], labels: [Int64]) {
        try FileManager.default.createDirectory(atPath: directory.path("shards"), withIntermediateDirectories: true)
        var files: [String] = [], values: [Float] = [], labels: [Int64] = []
        for (k, n) in rows.enumerated() {
            let path = directory.path("shards/shard-\(k).h5")
            let file = try HDF5File(creating: path)
            let block = (0..<(n * 6)).map { Float(k) * 1000 + Float($0) * 0.25 }
            let blockLabels = (0..<n).map { Int64(k * 100 + $0) }
            try file.createDataset("spectra", values: block, shape: [n, 6], options: .compressed(extendible: true))
            try file.createDataset("labels", values: blockLabels, options: .compressed(extendible: true))
            files.append(path); values += block; labels += blockLabels
        }
        return (files, values, labels)
    }

    @Test func concatenationReadsBackEqual() throws {
        let directory = try TemporaryDirectory()
        let (files, values, labels) = try makeShards(in: directory, rows: [5, 0, 12, 3])
        let merged = directory.path("merged.h5")
        do {
            let file = try HDF5File(creating: merged)
            let spectra = try file.createVirtualConcatenation("spectra", of: "spectra", in: files)
            #expect(try spectra.layout() == .virtual)
            try file.createVirtualConcatenation("labels", of: "/labels", in: files)
        }
        let file = try HDF5File(opening: merged)
        let spectra = try file.dataset("spectra")
        #expect(try spectra.shape() == [20, 6])
        #expect(try spectra.read(as: Float.self) == values)
        #expect(try spectra.readRows(4..<7, as: Float.self) == Array(values[24..<42]))
        #expect(try file.dataset("labels").read(as: Int64.self) == labels)
        let sources = try spectra.virtualSources()
        #expect(sources == [HDF5VirtualSource(file: "shards/shard-0.h5", dataset: "/spectra", rows: 5),
                            HDF5VirtualSource(file: "shards/shard-2.h5", dataset: "/spectra", rows: 12),
                            HDF5VirtualSource(file: "shards/shard-3.h5", dataset: "/spectra", rows: 3)])
        #expect(try spectra.missingVirtualSourceFiles().isEmpty)
    }

    @Test func relativeSourcesFollowTheDirectoryWhenMoved() throws {
        let directory = try TemporaryDirectory()
        let (files, values, _) = try makeShards(in: directory, rows: [2, 3])
        do {
            let file = try HDF5File(creating: directory.path("merged.h5"))
            try file.createVirtualConcatenation("spectra", of: "spectra", in: files)
        }
        let moved = directory.url.deletingLastPathComponent().appendingPathComponent(directory.url.lastPathComponent + "-moved")
        try FileManager.default.moveItem(at: directory.url, to: moved)
        defer { try? FileManager.default.moveItem(at: moved, to: directory.url) }
        let file = try HDF5File(opening: moved.appendingPathComponent("merged.h5").path)
        #expect(try file.dataset("spectra").read(as: Float.self) == values)
    }

    @Test func missingSourceIsDetected() throws {
        let directory = try TemporaryDirectory()
        let (files, _, _) = try makeShards(in: directory, rows: [2, 3])
        do {
            let file = try HDF5File(creating: directory.path("merged.h5"))
            try file.createVirtualConcatenation("spectra", of: "spectra", in: files)
        }
        try FileManager.default.removeItem(atPath: files[1])
        let spectra = try HDF5File(opening: directory.path("merged.h5")).dataset("spectra")
        #expect(try spectra.missingVirtualSourceFiles() == ["shards/shard-1.h5"])
        // HDF5 itself fills the missing rows with the fill value (NaN for floats) silently.
        let values = try spectra.read(as: Float.self)
        #expect(values[12...].allSatisfy { $0.isNaN })
    }

    @Test func incompatibleSourcesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let (files, _, _) = try makeShards(in: directory, rows: [2, 3])
        let odd = directory.path("odd.h5")
        do {
            let file = try HDF5File(creating: odd)
            try file.createDataset("spectra", values: [Float](repeating: 0, count: 10), shape: [2, 5])
            try file.createDataset("labels", values: [Int32(0), 1])
        }
        let merged = try HDF5File(creating: directory.path("merged.h5"))
        #expect(throws: HDF5Error.shapeMismatch(file: odd, object: "/spectra",
                                                expected: "[rows] + [6] like \(files[0])", found: "[2, 5]")) {
            try merged.createVirtualConcatenation("spectra", of: "spectra", in: files + [odd])
        }
        #expect(throws: HDF5Error.typeMismatch(file: odd, object: "/labels",
                                               expected: "int64 like \(files[0])", found: "int32")) {
            try merged.createVirtualConcatenation("labels", of: "labels", in: files + [odd])
        }
        #expect(throws: HDF5Error.objectNotFound(file: files[0], object: "/nothing", expected: "a dataset")) {
            try merged.createVirtualConcatenation("x", of: "nothing", in: files)
        }
        #expect(throws: HDF5Error.fileNotFound(path: directory.path("gone.h5"))) {
            try merged.createVirtualConcatenation("x", of: "spectra", in: [directory.path("gone.h5")])
        }
    }

    @Test(.enabled(if: Python.canImport("h5py", "numpy"), "h5py or numpy is not installed for python3"))
    func h5pyReadsTheVirtualDataset() throws {
        let directory = try TemporaryDirectory()
        let (files, values, labels) = try makeShards(in: directory, rows: [4, 7])
        let merged = directory.path("merged.h5")
        do {
            let file = try HDF5File(creating: merged)
            try file.createVirtualConcatenation("spectra", of: "spectra", in: files)
            try file.createVirtualConcatenation("labels", of: "labels", in: files)
        }
        let result = try Python.json("""
            import sys, json, os, h5py
            os.chdir("/")   # relative sources must resolve against the file's directory, not the cwd
            with h5py.File(sys.argv[1], "r") as f:
                s = f["spectra"]
                print(json.dumps({"virtual": s.is_virtual, "shape": list(s.shape), "dtype": str(s.dtype),
                                  "values": s[...].ravel().tolist(), "labels": f["labels"][...].tolist()}))
            """, arguments: [merged]) as! [String: Any]
        #expect(result["virtual"] as? Bool == true)
        #expect(result["shape"] as? [Int] == [11, 6])
        #expect(result["dtype"] as? String == "float32")
        #expect((result["values"] as? [Double])?.map { Float($0) } == values)
        #expect((result["labels"] as? [Int])?.map { Int64($0) } == labels)
    }
}
