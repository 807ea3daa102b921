import Foundation
import PerseusCore
import PerseusTestSupport
import Testing
@testable import PerseusIO

/// Telling RMF, ARF, PHA and HDF5 files apart by content.
@Suite struct DataFileKindTests {
    @Test func ogipFilesAreClassifiedByTheirExtensions() throws {
        let directory = try TemporaryDirectory()
        try RawRMF.write(directory.path("matrix.dat"))
        #expect(try DataFileKind.detect(directory.path("matrix.dat")) == .rmf)
        try AncillaryResponse(energies: try EnergyGrid(edges: [1, 2]), effectiveArea: [3]).write(to: directory.path("a.rmf"))
        #expect(try DataFileKind.detect(directory.path("a.rmf")) == .arf)   // the name does not matter
        try PHASpectrum(values: .counts([1]), exposure: 1).write(to: directory.path("s"))
        #expect(try DataFileKind.detect(directory.path("s")) == .pha)
        try RawTable.write(directory.path("other.fits"), [RawTable(name: "EVENTS", rows: 1, columns: [(FITSColumnFormat("TIME", "1D"), .doubles([0]))], keywords: [])])
        #expect(throws: OGIPError.notOGIP(file: directory.path("other.fits"), extensions: ["EVENTS"])) {
            try DataFileKind.detect(directory.path("other.fits"))
        }
    }

    @Test func hdf5IsRecognisedByItsSignatureAlsoAfterAUserBlock() throws {
        let directory = try TemporaryDirectory()
        let signature = Data([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
        try (signature + Data(count: 100)).write(to: directory.url.appendingPathComponent("plain.h5"))
        #expect(try DataFileKind.detect(directory.path("plain.h5")) == .hdf5)
        try (Data(count: 512) + signature + Data(count: 100)).write(to: directory.url.appendingPathComponent("userblock.h5"))
        #expect(try DataFileKind.detect(directory.path("userblock.h5")) == .hdf5)
        try (Data(count: 300) + signature + Data(count: 100)).write(to: directory.url.appendingPathComponent("misplaced"))
        #expect(throws: OGIPError.self) { try DataFileKind.detect(directory.path("misplaced")) }
    }

    @Test(.enabled(if: Environment.hasReference, Environment.referenceSkip))
    func realFilesAreClassified() throws {
        #expect(try DataFileKind.detect(ReferenceData.path("responses/nustar/nustar_fpma.rmf")) == .rmf)
        #expect(try DataFileKind.detect(ReferenceData.path("responses/xrism/resolve_pnt_heasim_noGV_20190701.arf")) == .arf)
        #expect(try DataFileKind.detect(ReferenceData.path("clusters/halo_catalog.h5")) == .hdf5)
        #expect(throws: OGIPError.self) { try DataFileKind.detect(ReferenceData.path("atomdb/apec_v3.0.9_line.fits")) }
    }

    @Test func unreadablePathsAreNamed() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: FITSError.fileNotFound(file: directory.path("nothing"))) { try DataFileKind.detect(directory.path("nothing")) }
        #expect(throws: OGIPError.unrecognisedFile(file: directory.url.path, detail: "is a directory")) { try DataFileKind.detect(directory.url.path) }
        try "SIMPLE? no\n".write(toFile: directory.path("t.txt"), atomically: true, encoding: .utf8)
        let error = #expect(throws: OGIPError.self) { try DataFileKind.detect(directory.path("t.txt")) }
        #expect(error?.description.contains("neither FITS") == true)
    }
}

/// gzip-compressed files, as CALDB distributes many responses, read like the originals.
@Suite struct CompressedFileTests {
    @Test func gzipCompressedResponsesReadLikeTheOriginals() throws {
        let directory = try TemporaryDirectory()
        let rmf = directory.path("m.rmf"), arf = directory.path("a.arf"), pha = directory.path("s.pha")
        try RawRMF.write(rmf)
        try AncillaryResponse(energies: try EnergyGrid(edges: RawRMF.energyEdges), effectiveArea: [1, 2, 3, 4]).write(to: arf)
        try PHASpectrum(values: .counts([4, 5, 6]), exposure: 10).write(to: pha)
        for path in [rmf, arf, pha] {
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gzip.arguments = ["gzip", "-k", path]
            try gzip.run()
            gzip.waitUntilExit()
            try #require(gzip.terminationStatus == 0)
        }
        #expect(try DataFileKind.detect(rmf + ".gz") == .rmf)
        #expect(try ResponseMatrix.read(rmf + ".gz") == ResponseMatrix.read(rmf))
        #expect(try AncillaryResponse.read(arf + ".gz") == AncillaryResponse.read(arf))
        #expect(try PHASpectrum.read(pha + ".gz") == PHASpectrum.read(pha))
        // a cut-off compressed file is an error naming it
        let bytes = try Data(contentsOf: URL(fileURLWithPath: rmf + ".gz"))
        let cut = directory.path("cut.rmf.gz")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        let error = #expect(throws: (any Error).self) { try ResponseMatrix.read(cut) }
        #expect("\(error.map { "\($0)" } ?? "")".hasPrefix(cut))
    }
}
