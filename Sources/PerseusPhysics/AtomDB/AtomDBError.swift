import PerseusCore
import PerseusIO

/// Problems reading AtomDB emission tables.
public enum AtomDBError: PerseusError, Equatable {
    /// The embedded compact table failed to decode (a build problem, never user input).
    case corruptEmbeddedTable(String)
    /// A table's contents contradict themselves.
    case inconsistentTable(origin: String, problem: String)
    /// No AtomDB APEC line/continuum pair was found where the user pointed.
    case filesNotFound(searched: [String], source: String)
    /// A FITS table lacks a column, keyword or extension, or holds an unexpected value.
    case invalidFile(file: String, location: String, expected: String)
    /// The FITS layer could not read a table (its message names the file, HDU and item).
    case unreadable(FITSError)

    public var description: String {
        switch self {
        case let .corruptEmbeddedTable(detail):
            return "the embedded AtomDB table is corrupt (\(detail)); rebuild Perseus"
        case let .inconsistentTable(origin, problem):
            return "\(origin): \(problem)"
        case let .filesNotFound(searched, source):
            return "no AtomDB APEC tables (apec_v*_line.fits with apec_v*_coco.fits) found in \(searched.joined(separator: " or ")) (from \(source))"
        case let .invalidFile(file, location, expected):
            return "\(file): \(location): expected \(expected)"
        case let .unreadable(error):
            return error.description
        }
    }
}
