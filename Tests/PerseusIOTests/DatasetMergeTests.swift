import Foundation
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Shards of one run merge into a virtual view that reads exactly like the dataset written in
/// one piece.
@Suite struct DatasetMergeTests {
    /// Writes samples `range` as shard `k` of `count` into `directory/shards/`.
    func writeShard(_ directory: DatasetTestDirectory, _ range: Range<Int>, k: Int, count: Int, channels: Int = 24) throws -> String {
        try FileManager.default.createDirectory(atPath: directory.path("shards"), withIntermediateDirectories: true)
        let path = directory.path("shards/part-\(k).h5")
        let description = DatasetFixtures.spectra(channels: channels, firstSampleIndex: range.lowerBound,
                                                  shard: DatasetShard(index: k, count: count))
        let writer = try DatasetWriter(path: path, description: description, batchRows: 16)
        for i in range { try writer.append(DatasetFixtures.spectrum(i, channels: channels)) }
        _ = try writer.finish()
        return path
    }

    @Test func mergedViewEqualsTheWholeDataset() throws {
        let directory = try DatasetTestDirectory()
        let ranges = [0..<40, 40..<41, 41..<41, 41..<100]
        let shards = try ranges.enumerated().map { try writeShard(directory, $1, k: $0, count: ranges.count) }
        let whole = directory.path("whole.h5")
        let writer = try DatasetWriter(path: whole, description: DatasetFixtures.spectra(channels: 24))
        for i in 0..<100 { try writer.append(DatasetFixtures.spectrum(i, channels: 24)) }
        _ = try writer.finish()

        let merged = directory.path("merged.h5")
        let summary = try DatasetMerge.merge(shards: shards.reversed(), into: merged)   // any order
        // The empty shard contributes no rows, so the view reads from three files.
        #expect(summary.sampleCount == 100 && summary.mergedShards == 3 && summary.shard == nil)

        let a = try DatasetReader(path: merged), b = try DatasetReader(path: whole)
        #expect(a.sampleCount == 100 && a.mergedShards == 3)
        var description = a.description
        description.metadata.created = b.description.metadata.created
        #expect(description == b.description)
        #expect(try a.counts(rows: 0..<100) == b.counts(rows: 0..<100))
        #expect(try a.expected(rows: 30..<70) == b.expected(rows: 30..<70))
        #expect(try a.labels() == b.labels())
        #expect(DatasetFixtures.same(try a.truth(), try b.truth()))
        #expect(try a.sampleIndices() == Array(0..<100))
        #expect(try a.classCounts() == b.classCounts())
    }

    @Test(.enabled(if: Python.canImport("h5py"), "h5py is not installed for python3"))
    func h5pySeesTheMergedViewAsOneDataset() throws {
        let directory = try DatasetTestDirectory()
        let shards = [try writeShard(directory, 0..<7, k: 0, count: 2), try writeShard(directory, 7..<19, k: 1, count: 2)]
        let merged = directory.path("merged.h5")
        _ = try DatasetMerge.merge(shards: shards, into: merged)
        let result = try Python.json("""
            import sys, json, h5py
            with h5py.File(sys.argv[1], "r") as f:
                x = f[f.attrs["kind"]]
                print(json.dumps({"n": int(f.attrs["sample_count"]), "virtual": x.is_virtual, "shape": list(x.shape),
                                  "sources": [s.file_name for s in x.virtual_sources()],
                                  "index": f["sample_index"][:].tolist(), "row12": x[12].tolist()}))
            """, arguments: [merged]) as! [String: Any]
        #expect(result["n"] as? Int == 19 && result["virtual"] as? Bool == true && result["shape"] as? [Int] == [19, 24])
        #expect(result["sources"] as? [String] == ["shards/part-0.h5", "shards/part-1.h5"])
        #expect(result["index"] as? [Int] == Array(0..<19))
        guard case let .counts(row12) = DatasetFixtures.spectrum(12, channels: 24).values else { return }
        #expect((result["row12"] as? [Int])?.map { Int32($0) } == row12)
    }

    @Test func gapsOverlapsAndMismatchesAreRefused() throws {
        let directory = try DatasetTestDirectory()
        let a = try writeShard(directory, 0..<10, k: 0, count: 3)
        let c = try writeShard(directory, 20..<30, k: 2, count: 3)
        let merged = directory.path("merged.h5")
        let gap = try #require(throws: DatasetError.self) { try DatasetMerge.merge(shards: [a, c], into: merged) }
        #expect(gap.description.contains("samples 10..<20 are in none of the shards"))
        let overlap = try writeShard(directory, 5..<20, k: 1, count: 3)
        let overlapError = try #require(throws: DatasetError.self) { try DatasetMerge.merge(shards: [a, overlap, c], into: merged) }
        #expect(overlapError.description.contains("overlapping"))

        try FileManager.default.createDirectory(atPath: directory.path("other"), withIntermediateDirectories: true)
        let wide = directory.path("other/wide.h5")
        let writer = try DatasetWriter(path: wide, description: DatasetFixtures.spectra(channels: 30, firstSampleIndex: 10))
        for i in 10..<20 { try writer.append(DatasetFixtures.spectrum(i, channels: 30)) }
        _ = try writer.finish()
        let mismatch = try #require(throws: DatasetError.self) { try DatasetMerge.merge(shards: [a, wide, c], into: merged) }
        #expect(mismatch.description.contains("different sample layout or channel axis"))
        #expect(!FileManager.default.fileExists(atPath: merged))
    }

    @Test func missingShardMakesTheMergedFileUnreadable() throws {
        let directory = try DatasetTestDirectory()
        let shards = [try writeShard(directory, 0..<5, k: 0, count: 2), try writeShard(directory, 5..<9, k: 1, count: 2)]
        let merged = directory.path("merged.h5")
        _ = try DatasetMerge.merge(shards: shards, into: merged)
        try FileManager.default.removeItem(atPath: shards[1])
        #expect(throws: DatasetError.missingShards(path: merged, files: ["shards/part-1.h5"])) { try DatasetReader(path: merged) }
    }
}
