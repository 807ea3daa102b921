import Foundation
import PerseusCore

/// Conventions shared by the OGIP readers and writers: how extensions are recognised, which
/// real format a column is written in, what every file Perseus writes starts with.
enum OGIPConventions {
    /// CREATOR value of every file Perseus writes.
    static var creator: String { "Perseus \(PerseusVersion.string)" }

    /// The matrix extension of an RMF: EXTNAME 'MATRIX' or 'SPECRESP MATRIX', or
    /// HDUCLAS1/2 = 'RESPONSE'/'RSP_MATRIX' (CAL/GEN/92-002a).
    static func isMatrix(_ hdu: FITSHDUSummary) -> Bool {
        hdu.kind == .binaryTable && (hdu.isNamed("MATRIX", "SPECRESP MATRIX") || hdu.hasClass("RESPONSE", "RSP_MATRIX"))
    }
    static let matrixDescription = "MATRIX (or SPECRESP MATRIX, or HDUCLAS2 = 'RSP_MATRIX')"

    /// The channel-bounds extension of an RMF: EXTNAME 'EBOUNDS' or HDUCLAS2 = 'EBOUNDS'.
    static func isChannelBounds(_ hdu: FITSHDUSummary) -> Bool {
        hdu.kind == .binaryTable && (hdu.isNamed("EBOUNDS") || hdu.hasClass("RESPONSE", "EBOUNDS"))
    }
    static let channelBoundsDescription = "EBOUNDS (or HDUCLAS2 = 'EBOUNDS')"

    /// The effective-area extension of an ARF: EXTNAME 'SPECRESP' or HDUCLAS2 = 'SPECRESP'.
    static func isEffectiveArea(_ hdu: FITSHDUSummary) -> Bool {
        hdu.kind == .binaryTable && (hdu.isNamed("SPECRESP") || hdu.hasClass("RESPONSE", "SPECRESP"))
    }
    static let effectiveAreaDescription = "SPECRESP (or HDUCLAS2 = 'SPECRESP')"

    /// The spectrum extension of a PHA file: EXTNAME 'SPECTRUM' or HDUCLAS1 = 'SPECTRUM'
    /// (OGIP/92-007).
    static func isSpectrum(_ hdu: FITSHDUSummary) -> Bool {
        hdu.kind == .binaryTable && (hdu.isNamed("SPECTRUM") || hdu.hasClass("SPECTRUM"))
    }
    static let spectrumDescription = "SPECTRUM (or HDUCLAS1 = 'SPECTRUM')"

    /// "E" (4-byte real, the type the OGIP memos specify) when every value survives the trip
    /// through `Float` exactly, otherwise "D" so that nothing is lost. XSPEC, Sherpa and
    /// astropy read either.
    static func realFormat(_ values: [Double]) -> String {
        values.allSatisfy { !$0.isFinite || Double(Float($0)) == $0 } ? "E" : "D"
    }

    /// Reads bin edges from two columns and checks that they form a grid.
    static func readGrid(_ file: FITSFile, lower: String, upper: String) throws -> EnergyGrid {
        let lo: [Double] = try file.readScalars(lower)
        let hi: [Double] = try file.readScalars(upper)
        do {
            return try EnergyGrid(lo: lo, hi: hi)
        } catch {
            throw OGIPError.invalidEnergyGrid(file: file.path, hdu: file.currentHDUName, columns: "\(lower)/\(upper)", problem: error)
        }
    }

    /// Creates `path` through `AtomicOutput` (temporary name, then rename; an existing file
    /// is refused unless `overwrite`), writes an empty primary HDU carrying CREATOR, DATE,
    /// TELESCOP and INSTRUME, runs `body`, and closes the file.
    static func writeFile(_ path: String, overwrite: Bool, identity: InstrumentIdentity,
                          _ body: (FITSFile) throws -> Void) throws {
        let output = try AtomicOutput(path: path, overwrite: overwrite)
        try output.write { temporary in
            let file = try FITSFile.create(temporary)
            do {
                try file.writeEmptyPrimary()
                try file.writeKeyword("CREATOR", .string(creator), comment: "software that wrote this file")
                try file.writeDate()
                try file.writeKeyword("TELESCOP", .string(identity.telescope ?? "UNKNOWN"), comment: "mission or telescope name")
                try file.writeKeyword("INSTRUME", .string(identity.instrument ?? "UNKNOWN"), comment: "instrument name")
                try file.writeChecksum()
                try body(file)
                try file.close()
            } catch {
                try? file.close()
                throw error
            }
        }
    }

    /// Writes HDUCLASS and HDUCLAS1…n, HDUVERS, CREATOR and DATE to the current HDU.
    static func writeClassification(_ file: FITSFile, classes: [String], version: String) throws(FITSError) {
        try file.writeKeyword("HDUCLASS", .string("OGIP"), comment: "format conforms to OGIP standard")
        for (index, value) in classes.enumerated() {
            try file.writeKeyword("HDUCLAS\(index + 1)", .string(value))
        }
        try file.writeKeyword("HDUVERS", .string(version), comment: "version of format")
        try file.writeKeyword("CREATOR", .string(creator), comment: "software that wrote this file")
        try file.writeDate()
    }
}
