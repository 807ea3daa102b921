import CFITSIO
import Foundation

/// An open FITS file: a small, safe layer over cfitsio.
///
/// - Files are opened with cfitsio's disk-file entry points (`ffdkopn`, `ffdkinit`), so a path
///   is always taken literally: brackets, `!`, `+` or `mem://` in a name have no special meaning.
///   gzip-compressed files are decompressed into memory by cfitsio and read like any other.
/// - Every cfitsio failure becomes a `FITSError` naming the file, the HDU and the keyword or
///   column, with cfitsio's status code and messages. Nothing here calls `fatalError` or traps
///   on bad input: corrupt, truncated or hand-edited files produce errors.
/// - Every cfitsio call is made under `FITSLibrary.lock` (see there for why).
/// - A `FITSFile` is a reference type that is not `Sendable`: use one object from one task at a
///   time. It is closed by `close()` or, at the latest, when the last reference goes away.
///
/// HDUs are numbered from 1 (the primary HDU), as in cfitsio and XSPEC.
public final class FITSFile {
    /// The path the file was opened or created with.
    public let path: String
    /// Whether the file was created for writing (true) or opened read-only (false).
    public let isWritable: Bool

    var handle: UnsafeMutablePointer<fitsfile>?
    /// Number (1-based) of the current HDU.
    public internal(set) var currentHDU: Int = 1
    /// Name of the current HDU for messages: its EXTNAME, "PRIMARY", or "HDU n".
    public internal(set) var currentHDUName: String = "PRIMARY"

    private init(path: String, handle: UnsafeMutablePointer<fitsfile>, writable: Bool) {
        self.path = path
        self.handle = handle
        self.isWritable = writable
    }

    deinit {
        if let handle {
            FITSLibrary.serialised {
                var status: Int32 = 0
                ffclos(handle, &status)
                if status > 0 { FITSLibrary.clearMessages() }
            }
        }
    }

    /// Opens an existing FITS file read-only and checks that its primary HDU is complete.
    /// - Throws: `FITSError.fileNotFound`, or `.library` if cfitsio cannot parse it (for
    ///   example status 252 when the file is not FITS), or `.truncated`.
    public static func open(_ path: String) throws(FITSError) -> FITSFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(file: path)
        }
        if isDirectory.boolValue {
            throw .invalidRequest(file: path, hdu: nil, problem: "is a directory; expected a FITS file")
        }
        let pointer: UnsafeMutablePointer<fitsfile> = try FITSLibrary.serialised { () throws(FITSError) in
            var raw: UnsafeMutablePointer<fitsfile>?
            var status: Int32 = 0
            ffdkopn(&raw, path, perseus_fits_readonly(), &status)
            if status > 0 || raw == nil {
                let error = FITSFile.libraryError(file: path, hdu: nil, item: nil, operation: "opening the file", status: status)
                if let raw { var ignored: Int32 = 0; ffclos(raw, &ignored); FITSLibrary.clearMessages() }
                throw error
            }
            return raw!
        }
        let file = FITSFile(path: path, handle: pointer, writable: false)
        try file.moveTo(hdu: 1)
        return file
    }

    /// Creates a new, empty FITS file at `path`, which must not exist yet (write to an
    /// `AtomicOutput` temporary path and let it rename the finished file into place).
    /// The first thing to write is the primary HDU (`writeEmptyPrimary`).
    public static func create(_ path: String) throws(FITSError) -> FITSFile {
        if FileManager.default.fileExists(atPath: path) {
            throw .invalidRequest(file: path, hdu: nil, problem: "file already exists; refusing to overwrite it")
        }
        let pointer: UnsafeMutablePointer<fitsfile> = try FITSLibrary.serialised { () throws(FITSError) in
            var raw: UnsafeMutablePointer<fitsfile>?
            var status: Int32 = 0
            ffdkinit(&raw, path, &status)
            if status > 0 || raw == nil {
                throw FITSFile.libraryError(file: path, hdu: nil, item: nil, operation: "creating the file", status: status)
            }
            return raw!
        }
        return FITSFile(path: path, handle: pointer, writable: true)
    }

    /// Flushes and closes the file. Further calls on this object throw.
    public func close() throws(FITSError) {
        guard let handle else { return }
        self.handle = nil
        try FITSLibrary.serialised { () throws(FITSError) in
            var status: Int32 = 0
            ffclos(handle, &status)
            if status > 0 {
                throw FITSFile.libraryError(file: path, hdu: nil, item: nil, operation: "closing the file", status: status)
            }
        }
    }

    // MARK: - Calling cfitsio

    /// Builds a `.library` error from a status and cfitsio's message stack (lock held).
    static func libraryError(file: String, hdu: String?, item: String?, operation: String, status: Int32) -> FITSError {
        var parts = [FITSLibrary.statusText(status)]
        for message in FITSLibrary.drainMessages() where !parts.contains(message) { parts.append(message) }
        return .library(file: file, hdu: hdu, item: item, operation: operation, status: status, message: parts.joined(separator: "; "))
    }

    /// Runs `body` with the file handle under the cfitsio lock and turns a non-zero status into
    /// a `FITSError.library` naming `operation` and `item`.
    @discardableResult
    func call<T>(_ operation: @autoclosure () -> String, item: String? = nil,
                 _ body: (UnsafeMutablePointer<fitsfile>, inout Int32) -> T) throws(FITSError) -> T {
        guard let handle else {
            throw .invalidRequest(file: path, hdu: nil, problem: "the file has already been closed")
        }
        return try FITSLibrary.serialised { () throws(FITSError) -> T in
            var status: Int32 = 0
            let result = body(handle, &status)
            if status > 0 {
                throw FITSFile.libraryError(file: path, hdu: currentHDUName, item: item, operation: operation(), status: status)
            }
            return result
        }
    }

    /// Runs `body` under the lock and returns its raw status (0 when it succeeded) without
    /// throwing, clearing cfitsio's message stack if it failed: for failures the caller expects
    /// and handles itself, such as an absent optional keyword.
    func attempt(_ body: (UnsafeMutablePointer<fitsfile>, inout Int32) -> Void) throws(FITSError) -> Int32 {
        guard let handle else {
            throw .invalidRequest(file: path, hdu: nil, problem: "the file has already been closed")
        }
        return FITSLibrary.serialised {
            var status: Int32 = 0
            body(handle, &status)
            if status > 0 { FITSLibrary.clearMessages() }
            return status
        }
    }

    // MARK: - HDUs

    /// Number of HDUs in the file (the primary HDU included).
    public func hduCount() throws(FITSError) -> Int {
        Int(try call("counting HDUs") { handle, status in
            var count: Int32 = 0
            ffthdu(handle, &count, &status)
            return count
        })
    }

    /// Makes HDU `number` (1 = primary) current. On a file opened for reading, also checks
    /// that the file holds all the bytes the HDU's header promises.
    public func moveTo(hdu number: Int) throws(FITSError) {
        guard number >= 1, number <= Int(Int32.max) else {
            throw .invalidRequest(file: path, hdu: nil, problem: "HDU \(number) does not exist; HDUs are numbered from 1")
        }
        _ = try call("moving to HDU \(number)") { handle, status in
            var type: Int32 = 0
            ffmahd(handle, Int32(number), &type, &status)
        }
        currentHDU = number
        currentHDUName = number == 1 ? "PRIMARY" : "HDU \(number)"
        if let name = try optionalString("EXTNAME"), !name.isEmpty {
            currentHDUName = name
        }
        if !isWritable { try checkComplete() }
    }

    /// The kind, EXTNAME and OGIP classification of every HDU, in order. Leaves the current
    /// HDU unchanged.
    public func hduSummaries() throws(FITSError) -> [FITSHDUSummary] {
        let original = currentHDU
        let count = try hduCount()
        var summaries: [FITSHDUSummary] = []
        for number in 1...max(1, count) {
            try moveTo(hdu: number)
            let type = try call("reading the HDU type") { handle, status -> Int32 in
                var type: Int32 = 0
                ffghdt(handle, &type, &status)
                return type
            }
            let kind: FITSHDUSummary.Kind = type == perseus_fits_binary_tbl() ? .binaryTable
                : (type == perseus_fits_ascii_tbl() ? .asciiTable : .image)
            summaries.append(FITSHDUSummary(
                number: number, kind: kind,
                extensionName: try optionalString("EXTNAME"),
                hduClass: try optionalString("HDUCLASS"),
                hduClass1: try optionalString("HDUCLAS1"),
                hduClass2: try optionalString("HDUCLAS2"),
                hduClass3: try optionalString("HDUCLAS3"),
                hduClass4: try optionalString("HDUCLAS4")))
        }
        try moveTo(hdu: original)
        return summaries
    }

    /// Makes current the first HDU for which `matches` is true.
    /// - Parameter expected: how to describe the wanted extension in the error, e.g.
    ///   "MATRIX (or SPECRESP MATRIX, or HDUCLAS2 = 'RSP_MATRIX')".
    /// - Returns: the summary of the HDU moved to.
    /// - Throws: `FITSError.missingExtension` listing the extensions that are present.
    @discardableResult
    public func moveToExtension(_ expected: String, where matches: (FITSHDUSummary) -> Bool) throws(FITSError) -> FITSHDUSummary {
        let summaries = try hduSummaries()
        guard let found = summaries.first(where: matches) else {
            throw .missingExtension(file: path, expected: expected, present: summaries.dropFirst().map(\.label))
        }
        try moveTo(hdu: found.number)
        return found
    }

    /// Makes current the first extension whose EXTNAME equals `name` (case-insensitive).
    @discardableResult
    public func moveToExtension(named name: String) throws(FITSError) -> FITSHDUSummary {
        try moveToExtension(name) { $0.extensionName?.uppercased() == name.uppercased() }
    }

    /// Checks that the data unit of the current HDU lies within the file (size from NAXISn,
    /// BITPIX, PCOUNT, GCOUNT per the FITS standard, section 4.4.1).
    private func checkComplete() throws(FITSError) {
        let dataStart = try call("locating the HDU") { handle, status -> Int64 in
            var head: Int64 = 0, data: Int64 = 0, end: Int64 = 0
            ffghadll(handle, &head, &data, &end, &status)
            return data
        }
        let bitpix = try optionalInt("BITPIX") ?? 8
        let axes = try optionalInt("NAXIS") ?? 0
        guard (0...999).contains(axes), [8, 16, 32, 64, -32, -64].contains(bitpix) else {
            throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: "NAXIS/BITPIX",
                                  value: "\(axes)/\(bitpix)", expected: "a valid FITS data description")
        }
        var size = 0
        if axes > 0 {
            var product = 1
            for axis in 1...axes {
                let length = try optionalInt("NAXIS\(axis)") ?? 0
                guard length >= 0 else {
                    throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: "NAXIS\(axis)", value: "\(length)", expected: "≥ 0")
                }
                let (p, overflow) = product.multipliedReportingOverflow(by: length)
                guard !overflow else { throw truncatedError() }
                product = p
            }
            let pcount = try optionalInt("PCOUNT") ?? 0
            let gcount = try optionalInt("GCOUNT") ?? 1
            guard pcount >= 0, gcount >= 0 else {
                throw .invalidKeyword(file: path, hdu: currentHDUName, keyword: "PCOUNT/GCOUNT",
                                      value: "\(pcount)/\(gcount)", expected: "non-negative values")
            }
            let (withHeap, o1) = product.addingReportingOverflow(pcount)
            let (groups, o2) = withHeap.multipliedReportingOverflow(by: gcount)
            let (bytes, o3) = groups.multipliedReportingOverflow(by: abs(bitpix) / 8)
            guard !(o1 || o2 || o3) else { throw truncatedError() }
            size = bytes
        }
        let available = fileSize()
        let (needed, overflow) = Int(dataStart).addingReportingOverflow(size)
        if overflow || needed > available {
            throw .truncated(file: path, hdu: currentHDUName, expectedBytes: overflow ? Int.max : needed, actualBytes: available)
        }
    }

    /// The header's sizes overflow: report the HDU as needing more bytes than any file holds.
    private func truncatedError() -> FITSError {
        .truncated(file: path, hdu: currentHDUName, expectedBytes: Int.max, actualBytes: fileSize())
    }

    /// Size in bytes of the FITS stream cfitsio reads: the file on disk, or its decompressed
    /// image in memory for a gzip-compressed file (cfitsio's `logfilesize`).
    func fileSize() -> Int {
        if let handle, let shared = handle.pointee.Fptr {
            return Int(FITSLibrary.serialised { shared.pointee.logfilesize })
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// What one HDU of a FITS file is, as listed by `FITSFile.hduSummaries()`.
public struct FITSHDUSummary: Sendable, Equatable {
    public enum Kind: String, Sendable { case image, asciiTable, binaryTable }
    /// HDU number (1 = primary).
    public let number: Int
    public let kind: Kind
    /// EXTNAME, if present.
    public let extensionName: String?
    /// HDUCLASS (normally 'OGIP') and the OGIP classification HDUCLAS1…4, if present.
    public let hduClass: String?
    public let hduClass1: String?
    public let hduClass2: String?
    public let hduClass3: String?
    public let hduClass4: String?

    /// EXTNAME, or "HDU n" when the HDU has none.
    public var label: String { extensionName.map { $0.isEmpty ? "HDU \(number)" : $0 } ?? (number == 1 ? "PRIMARY" : "HDU \(number)") }

    /// Whether EXTNAME equals one of `names` (case-insensitive, trailing blanks ignored).
    public func isNamed(_ names: String...) -> Bool {
        guard let name = extensionName?.trimmingCharacters(in: .whitespaces).uppercased() else { return false }
        return names.contains { $0.uppercased() == name }
    }

    /// Whether the HDU declares the given OGIP classes (case-insensitive; nil matches anything).
    public func hasClass(_ class1: String?, _ class2: String? = nil) -> Bool {
        func same(_ a: String?, _ b: String?) -> Bool {
            guard let b else { return true }
            return a?.trimmingCharacters(in: .whitespaces).uppercased() == b.uppercased()
        }
        return same(hduClass1, class1) && same(hduClass2, class2)
    }
}
