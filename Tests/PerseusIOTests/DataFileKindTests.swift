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
