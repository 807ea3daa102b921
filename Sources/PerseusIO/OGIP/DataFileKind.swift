import Foundation

/// What kind of file Perseus has been given, judged from its content, never its name.
///
/// FITS files (first card `SIMPLE  =`, or gzip-compressed FITS) are classified by their extensions: a matrix extension
/// (`MATRIX`, `SPECRESP MATRIX`, HDUCLAS2 = 'RSP_MATRIX') makes an RMF, a `SPECTRUM`
/// extension (or HDUCLAS1 = 'SPECTRUM') a PHA file, a `SPECRESP` extension an ARF. HDF5 files
/// are recognised by the 8-byte HDF5 signature `\x89HDF\r\n\x1a\n`, which the HDF5 format
/// places at byte 0, 512, 1024, 2048, … (after an optional user block).
public enum DataFileKind: String, Sendable, Equatable, CaseIterable {
    case rmf, arf, pha
    /// An HDF5 file (a Perseus dataset, read by the dataset store).
    case hdf5

    /// Classifies the file at `path`.
    /// - Throws: `FITSError.fileNotFound`; `OGIPError.unrecognisedFile` for a file that is
    ///   neither FITS nor HDF5; `OGIPError.notOGIP` for a FITS file with none of the OGIP
    ///   extensions above; `FITSError` if the FITS structure cannot be read.
    public static func detect(_ path: String) throws -> DataFileKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FITSError.fileNotFound(file: path)
        }
        guard !isDirectory.boolValue else {
            throw OGIPError.unrecognisedFile(file: path, detail: "is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw OGIPError.unrecognisedFile(file: path, detail: "cannot be opened for reading")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 9)) ?? Data()
        // FITS, or gzip-compressed FITS (CALDB ships many responses as .gz; cfitsio
        // decompresses them in memory).
        if head.starts(with: Array("SIMPLE  =".utf8)) || head.starts(with: [0x1f, 0x8b]) {
            return try classifyFITS(path)
        }
        if try hasHDF5Signature(handle) { return .hdf5 }
        let shown = head.prefix(8).map { (0x20...0x7e).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
        throw OGIPError.unrecognisedFile(file: path, detail: "neither FITS (it does not start with 'SIMPLE  =') nor HDF5 (no HDF5 signature); it starts with \"\(shown)\"")
    }

    /// The HDF5 format signature.
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

    private static func hasHDF5Signature(_ handle: FileHandle) throws -> Bool {
        let size = (try? handle.seekToEnd()) ?? 0
        var offset: UInt64 = 0
        while offset + 8 <= size {
            try handle.seek(toOffset: offset)
            if let bytes = try handle.read(upToCount: 8), Array(bytes) == hdf5Signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }

    private static func classifyFITS(_ path: String) throws -> DataFileKind {
        let file = try FITSFile.open(path)
        let summaries = try file.hduSummaries()
        try file.close()
        if summaries.contains(where: OGIPConventions.isMatrix) { return .rmf }
        if summaries.contains(where: OGIPConventions.isSpectrum) { return .pha }
        if summaries.contains(where: OGIPConventions.isEffectiveArea) { return .arf }
        throw OGIPError.notOGIP(file: path, extensions: summaries.dropFirst().map(\.label))
    }
}
