import Foundation
import Testing
import PerseusCore

@Suite struct AtomicOutputTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-atomic-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    @Test func writesThenRenames() throws {
        let path = directory.appendingPathComponent("out.txt").path
        let output = try AtomicOutput(path: path)
        try output.write { temporary in
            #expect(!FileManager.default.fileExists(atPath: path), "destination must not appear before completion")
            try Data("done".utf8).write(to: URL(fileURLWithPath: temporary))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "done")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.txt"])
    }

    @Test func failedWriteLeavesNothing() throws {
        let path = directory.appendingPathComponent("failed.txt").path
        struct Boom: Error {}
        let output = try AtomicOutput(path: path)
        #expect(throws: Boom.self) {
            try output.write { temporary in
                try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
                throw Boom()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func refusesExistingFileUnlessOverwrite() throws {
        let path = directory.appendingPathComponent("exists.txt").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: OutputError.exists(path: path)) { try AtomicOutput(path: path) }
        let output = try AtomicOutput(path: path, overwrite: true)
        try output.write { try Data("new".utf8).write(to: URL(fileURLWithPath: $0)) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    }

    @Test func refusesMissingDirectory() {
        let path = directory.appendingPathComponent("no/such/dir/out.txt").path
        #expect(throws: OutputError.self) { try AtomicOutput(path: path) }
    }
}
