import PerseusCore

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
    /// This build cannot read FITS tables yet (the PerseusIO FITS layer is not integrated).
    case fitsReadingUnavailable(files: AtomDBFiles)

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
        case let .fitsReadingUnavailable(files):
            return "found \(files.lineFile) and \(files.continuumFile), but this build cannot read FITS tables yet "
                + "(the FITS layer is not integrated); unset ATOMDB / omit --atomdb to use the embedded AtomDB 3.0.9 table"
        }
    }
}
