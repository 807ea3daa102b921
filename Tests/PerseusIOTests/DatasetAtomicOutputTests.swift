import Foundation
import PerseusCore
import Testing
@testable import PerseusIO

/// A dataset file appears only when `finish()` succeeds; anything else leaves no file at the
/// destination (and no partial file once the writer is gone).
@Suite struct DatasetAtomicOutputTests {
    @Test func droppedWriterLeavesNothing() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("dropped.h5")
        do {
            let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8), batchRows: 4)
            for i in 0..<10 { try writer.append(DatasetFixtures.spectrum(i, channels: 8)) }
            // While writing, only the hidden partial file exists.
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try DatasetTestDirectory.hiddenPartials(in: directory).count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try directory.contents().isEmpty)
    }

    @Test func finishIsWhatMakesTheFileAppear() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("done.h5")
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8), batchRows: 4)
        for i in 0..<10 { try writer.append(DatasetFixtures.spectrum(i, channels: 8)) }
        #expect(!FileManager.default.fileExists(atPath: path))
        _ = try writer.finish()
        #expect(try directory.contents() == ["done.h5"])
        #expect(throws: DatasetError.writerClosed(path: path)) { try writer.append(DatasetFixtures.spectrum(10, channels: 8)) }
        #expect(throws: DatasetError.writerClosed(path: path)) { try writer.finish() }
    }

    @Test func cancelLeavesNothing() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("cancelled.h5")
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8))
        try writer.append(DatasetFixtures.spectrum(0, channels: 8))
        writer.cancel()
        #expect(try directory.contents().isEmpty)
        #expect(throws: DatasetError.writerClosed(path: path)) { try writer.finish() }
    }

    @Test func existingDestinationIsRefusedUnlessOverwriting() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("exists.h5")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: OutputError.exists(path: path)) {
            try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")

        // With overwrite the old file stays until finish() replaces it.
        let writer = try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8), overwrite: true)
        try writer.append(DatasetFixtures.spectrum(0, channels: 8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
        _ = try writer.finish()
        #expect(try DatasetReader(path: path).sampleCount == 1)
        #expect(try directory.contents() == ["exists.h5"])
    }

    @Test func missingDirectoryIsRefusedUpFront() throws {
        let directory = try DatasetTestDirectory()
        let path = directory.path("no/such/dir/x.h5")
        #expect(throws: OutputError.self) { try DatasetWriter(path: path, description: DatasetFixtures.spectra(channels: 8)) }
    }
}
