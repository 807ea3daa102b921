import PerseusCore

/// Why an instrument, its response or its background cannot be used as asked.
///
/// Descriptions name the instrument or file, the key or field, and what was expected, e.g.
/// `nustar.yaml, line 7, band: 1.0 keV lies below the lowest channel of the response (3.0 keV)`.
public enum InstrumentError: PerseusError, Equatable {
    /// No instrument of that name; `valid` lists the names that exist.
    case unknownInstrument(name: String, valid: [String])
    /// An instrument file (or embedded definition) that is not valid: `origin` is its path or
    /// `built-in:NAME`, `line` the 1-based line when known, `key` the offending key.
    case invalidDefinition(origin: String, line: Int?, key: String?, message: String)
    /// A built-in data file that is missing or malformed (a build defect: rerun the scripts).
    case corruptEmbeddedData(name: String, problem: String)
    /// A band or binning that the response cannot provide.
    case invalidChannelSelection(instrument: String, problem: String)
    /// A background that cannot be prepared or evaluated.
    case background(instrument: String, problem: String)
    /// Bad input to folding (wrong lengths, negative exposure, non-finite flux).
    case invalidInput(what: String, problem: String)

    public var description: String {
        switch self {
        case let .unknownInstrument(name, valid):
            return "unknown instrument '\(name)'; valid instruments: \(valid.joined(separator: ", ")) (or give --instrument-file PATH)"
        case let .invalidDefinition(origin, line, key, message):
            var location = origin
            if let line { location += ", line \(line)" }
            if let key { location += ", \(key)" }
            return "\(location): \(message)"
        case let .corruptEmbeddedData(name, problem):
            return "embedded file \(name) is malformed (\(problem)); rebuild after rerunning the scripts in scripts/"
        case let .invalidChannelSelection(instrument, problem):
            return "\(instrument): \(problem)"
        case let .background(instrument, problem):
            return "\(instrument) background: \(problem)"
        case let .invalidInput(what, problem):
            return "\(what): \(problem)"
        }
    }
}
