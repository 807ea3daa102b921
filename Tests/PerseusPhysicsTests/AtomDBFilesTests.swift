import Foundation
import Testing
@testable import PerseusPhysics

/// Finding the full AtomDB tables from `--atomdb DIR` or `ATOMDB`, in DIR or DIR/..
@Suite struct AtomDBFilesTests {
    /// A scratch AtomDB-like tree: root/apec_v<v>_{line,coco}.fits for `versions`, and root/APED/.
    func tree(_ versions: [String], extra: [String] = []) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-atomdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("APED"), withIntermediateDirectories: true)
        for v in versions {
            for kind in ["line", "coco"] {
                _ = FileManager.default.createFile(atPath: root.appendingPathComponent("apec_v\(v)_\(kind).fits").path, contents: Data())
            }
        }
        for name in extra { _ = FileManager.default.createFile(atPath: root.appendingPathComponent(name).path, contents: Data()) }
        return root
    }

    @Test func findsTablesInDirectoryOrParent() throws {
        let root = try tree(["3.0.9"])
        defer { try? FileManager.default.removeItem(at: root) }
        let direct = try AtomDBFiles.locate(in: root.path, source: "test")
        #expect(direct.version == "3.0.9")
        #expect(direct.lineFile.hasSuffix("apec_v3.0.9_line.fits") && direct.continuumFile.hasSuffix("apec_v3.0.9_coco.fits"))
        let fromChild = try AtomDBFiles.locate(in: root.appendingPathComponent("APED").path, source: "test")
        #expect(fromChild == direct)
    }

    @Test func prefers309ThenNewest() throws {
        let both = try tree(["3.0.8", "3.0.9", "3.1.0"])
        defer { try? FileManager.default.removeItem(at: both) }
        #expect(try AtomDBFiles.locate(in: both.path, source: "test").version == "3.0.9")
        let newer = try tree(["3.0.10", "3.0.8"])
        defer { try? FileManager.default.removeItem(at: newer) }
        #expect(try AtomDBFiles.locate(in: newer.path, source: "test").version == "3.0.10")
        let generic = try tree([], extra: ["apec_line.fits", "apec_coco.fits", "apec_v3.1.0_line.fits"])
        defer { try? FileManager.default.removeItem(at: generic) }
        #expect(try AtomDBFiles.locate(in: generic.path, source: "test").version == "")
    }

    @Test func optionWinsOverEnvironmentAndMissingFilesAreReported() throws {
        let root = try tree(["3.0.9"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try AtomDBFiles.resolve(option: nil, environment: [:]) == nil)
        #expect(try AtomDBFiles.resolve(option: nil, environment: ["ATOMDB": root.path])?.version == "3.0.9")
        let empty = try tree([])
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: AtomDBError.self) { try AtomDBFiles.resolve(option: empty.path, environment: ["ATOMDB": root.path]) }
        do {
            _ = try AtomDBFiles.resolve(option: nil, environment: ["ATOMDB": empty.path])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("ATOMDB environment variable") && error.description.contains(empty.path))
        }
    }
}
