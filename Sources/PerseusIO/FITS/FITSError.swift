import PerseusCore

/// Why a FITS file could not be read or written.
///
/// Every case names the file and, where known, the HDU (by EXTNAME, or by number when it has no
/// name) and the keyword or column involved. Failures reported by cfitsio carry its status code,
/// its one-line explanation of that code (`ffgerr`) and the detail messages it left on its error
/// stack (`ffgmsg`).
public enum FITSError: PerseusError, Equatable {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// cfitsio returned `status` while doing `operation`.
    case library(file: String, hdu: String?, item: String?, operation: String, status: Int32, message: String)
    /// No HDU matches the extension that was asked for.
    case missingExtension(file: String, expected: String, present: [String])
    /// A keyword that must be present is absent.
    case missingKeyword(file: String, hdu: String, keyword: String)
    /// A keyword is present but its value cannot be used.
    case invalidKeyword(file: String, hdu: String, keyword: String, value: String, expected: String)
    /// A column that must be present is absent.
    case missingColumn(file: String, hdu: String, column: String)
    /// A column is present but its format or content cannot be used.
    case invalidColumn(file: String, hdu: String, column: String, problem: String)
    /// The current HDU is not a binary table.
    case notBinaryTable(file: String, hdu: String)
    /// The header of an HDU promises more bytes than the file holds.
    case truncated(file: String, hdu: String, expectedBytes: Int, actualBytes: Int)
    /// A request on an open file was malformed (for example, a row beyond the table).
    case invalidRequest(file: String, hdu: String?, problem: String)

    public var description: String {
        switch self {
        case let .fileNotFound(file):
            return "\(file): no such file"
        case let .library(file, hdu, item, operation, status, message):
            var place = file
            if let hdu { place += "[\(hdu)]" }
            if let item { place += " \(item)" }
            return "\(place): cfitsio error \(status) while \(operation): \(message)"
        case let .missingExtension(file, expected, present):
            let list = FITSError.summarise(present)
            return "\(file): no \(expected) extension (extensions present: \(list))"
        case let .missingKeyword(file, hdu, keyword):
            return "\(file)[\(hdu)]: keyword \(keyword) is missing"
        case let .invalidKeyword(file, hdu, keyword, value, expected):
            return "\(file)[\(hdu)]: keyword \(keyword) = \(value); expected \(expected)"
        case let .missingColumn(file, hdu, column):
            return "\(file)[\(hdu)]: column \(column) is missing"
        case let .invalidColumn(file, hdu, column, problem):
            return "\(file)[\(hdu)]: column \(column): \(problem)"
        case let .notBinaryTable(file, hdu):
            return "\(file)[\(hdu)]: expected a binary table extension"
        case let .truncated(file, hdu, expected, actual):
            return "\(file)[\(hdu)]: file is truncated: the header promises \(expected) bytes but the file has \(actual)"
        case let .invalidRequest(file, hdu, problem):
            return "\(file)\(hdu.map { "[\($0)]" } ?? ""): \(problem)"
        }
    }

    /// Names joined by commas, runs of one name shown once with a count ("EMISSIVITY ×51").
    static func summarise(_ names: [String]) -> String {
        guard !names.isEmpty else { return "none" }
        var parts: [String] = []
        var index = 0
        while index < names.count {
            var end = index + 1
            while end < names.count, names[end] == names[index] { end += 1 }
            parts.append(end - index > 1 ? "\(names[index]) ×\(end - index)" : names[index])
            index = end
        }
        return parts.joined(separator: ", ")
    }
}
