import PerseusCore

/// A declarative description of a simulated dataset: which instrument observes what, for how
/// long, and which classes of sources (each a model expression with parameter priors, a count
/// and a label) make up the dataset. Parsed from a YAML scenario file (docs/scenarios.md);
/// `Simulation` turns it into spectra.
public struct Scenario: Sendable {
    /// Short name (`ichinohe2019`), used in file metadata.
    public var name: String
    /// Free text: the study reproduced, choices made.
    public var description: String
    /// A built-in instrument name or the path of an instrument file.
    public var instrument: String
    /// Optional user response overriding the instrument's built-in one.
    public var responseOverride: ResponseOverride?
    /// Exposure time [s]; nil means the instrument's default.
    public var exposure: Double?
    /// Channel band [keV]; nil means the instrument's default band.
    public var band: ClosedRange<Double>?
    /// Abundance table for every model (`angr`, `wilm`, `aspl`, …).
    public var abundanceTable: String
    /// Which background components to add (empty: none).
    public var background: BackgroundSelection
    /// Background extraction region, when backgrounds are added (instrument-specific meaning;
    /// nil means the instrument's documented default).
    public var region: BackgroundRegion?
    /// Also store the noise-free expected counts of each sample.
    public var storeExpected: Bool
    /// Default seed when the command line gives none.
    public var seed: UInt64?
    /// The classes, in order; samples are numbered class by class.
    public var classes: [ScenarioClass]
    /// The scenario file's full text, stored in every dataset produced from it.
    public var sourceText: String
    /// Where the scenario came from (file path or `built-in:NAME`), for error messages.
    public var origin: String
    /// Line of each top-level key in the file (lower-case key → line), for error messages.
    public var keyLines: [String: Int] = [:]

    /// A `ScenarioError` about the top-level `key`, pointing at its line.
    public func error(key: String, _ message: String) -> ScenarioError {
        ScenarioError(origin: origin, line: keyLines[key], key: key, message: message)
    }

    /// Total number of samples over all classes.
    public var sampleCount: Int { classes.reduce(0) { $0 + $1.count } }

    /// Returns a copy with every class's count replaced by `count` (`--count`).
    public func withClassCount(_ count: Int) -> Scenario {
        var copy = self
        for i in copy.classes.indices { copy.classes[i].count = count }
        return copy
    }
}

/// A user-supplied response replacing an instrument's built-in one.
public struct ResponseOverride: Sendable, Equatable {
    public var rmf: String?
    public var arf: String?
    public init(rmf: String?, arf: String?) { self.rmf = rmf; self.arf = arf }
}

/// Which background components a scenario adds to its source spectra.
public enum BackgroundSelection: Sendable, Equatable {
    case none
    /// Every component the instrument defines.
    case all
    /// The named components only.
    case components([String])
}

/// A background extraction region: a circle of `radius` arcmin centred `offset` arcmin from
/// the aimpoint, or an explicit BACKSCAL-style area.
public enum BackgroundRegion: Sendable, Equatable {
    case circle(radiusArcmin: Double)
    case area(squareArcmin: Double)
}

/// One class of a scenario: `count` samples of `model` with parameters drawn from priors.
public struct ScenarioClass: Sendable {
    public var name: String
    /// Whether the class is normal or an anomaly.
    public var isAnomaly: Bool
    public var count: Int
    /// XSPEC model expression, e.g. `tbabs*(apec+apec)`.
    public var model: String
    /// Where the model expression is written.
    public var modelLocation: SourceLocation
    /// Priors keyed by the parameter address as written (`apec_2.Abundanc`, `kT`), in file order.
    public var parameters: [ScenarioParameter]
    /// Where the class is defined in the file.
    public var location: SourceLocation
}

/// One `address: prior` entry of a class.
public struct ScenarioParameter: Sendable {
    public var address: String
    public var prior: Prior
    public var location: SourceLocation
}

/// A line and column (1-based) in a scenario file.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public var description: String { "line \(line)" }
}
