import Foundation

/// What `perseus inspect` shows about a dataset file: kind, size, shape, channels and energy
/// range, classes with their sample counts, and provenance. Made by one call:
/// `try DatasetSummary(contentsOf: path)`.
public struct DatasetSummary: Sendable, Hashable, CustomStringConvertible {
    /// A class and how many samples it has.
    public struct ClassCount: Sendable, Hashable {
        public var name: String
        public var isAnomaly: Bool
        public var count: Int
    }

    /// Path of the dataset file.
    public var path: String
    /// Kind of samples.
    public var kind: DatasetKind
    /// Number of samples N.
    public var sampleCount: Int
    /// Shape of one sample: [channels], [height, width] or [features].
    public var sampleShape: [Int]
    /// Number of channels (spectra), nil otherwise.
    public var channelCount: Int?
    /// Lowest channel lower bound to highest upper bound [keV] (spectra), nil otherwise.
    public var energyRange: ClosedRange<Double>?
    /// Classes in label order with their sample counts.
    public var classes: [ClassCount]
    /// Truth parameters (columns of `truth`).
    public var parameters: [DatasetQuantity]
    /// Event features (events), empty otherwise.
    public var features: [DatasetQuantity]
    /// Whether noise-free expectations are stored, and at which precision.
    public var expected: DatasetExpectedPrecision?
    /// Instrument name.
    public var instrument: String
    /// Exposure per sample [s].
    public var exposure: Double
    /// Dataset seed.
    public var seed: UInt64
    /// Perseus version that wrote the file.
    public var softwareVersion: String
    /// Creation time.
    public var created: Date
    /// Schema version of the file.
    public var schemaVersion: Int64
    /// Global index of the first sample.
    public var firstSampleIndex: Int
    /// The shard the file holds, if any.
    public var shard: DatasetShard?
    /// Number of shard files behind a merged view (0 for an ordinary file).
    public var mergedShards: Int

    /// Reads the summary of the dataset at `path` (opens it, checks the schema, counts the
    /// labels in blocks).
    /// - Throws: whatever `DatasetReader.init(path:)` throws.
    public init(contentsOf path: String) throws {
        self = try DatasetReader(path: path).summary()
    }

    init(path: String, description: DatasetDescription, sampleCount: Int, classCounts: [Int], schemaVersion: Int64, mergedShards: Int) {
        self.path = path
        kind = description.layout.kind
        self.sampleCount = sampleCount
        sampleShape = description.layout.sampleShape
        switch description.layout {
        case let .spectra(channels):
            channelCount = channels.count
            energyRange = channels.energyRange
            features = []
        case let .events(list):
            channelCount = nil
            energyRange = nil
            features = list
        case .images:
            channelCount = nil
            energyRange = nil
            features = []
        }
        classes = zip(description.classes, classCounts).map { ClassCount(name: $0.name, isAnomaly: $0.isAnomaly, count: $1) }
        parameters = description.parameters
        expected = description.expected
        instrument = description.metadata.instrument
        exposure = description.metadata.exposure
        seed = description.metadata.seed
        softwareVersion = description.metadata.softwareVersion
        created = description.metadata.created
        self.schemaVersion = schemaVersion
        firstSampleIndex = description.metadata.firstSampleIndex
        shard = description.metadata.shard
        self.mergedShards = mergedShards
    }

    /// The JSON object `perseus inspect --json` prints for a dataset:
    ///
    /// - `kind`: "dataset"; `dataset_kind`: "spectra" | "images" | "events"
    /// - `samples`: N; `shape`: [N, …sample shape]
    /// - `channels`: number of channels, `energies`: number of channel energy bounds (both C for
    ///   spectra, null otherwise); `energy_range`: [lowest e_min, highest e_max] keV or null
    /// - `classes`: [{"name", "anomaly": bool, "count"}] in label order
    /// - `parameters`, `features`: [{"name", "unit"}]; `expected`: "float32" | "float64" | null
    /// - `instrument`, `exposure` [s], `seed`, `version` (Perseus), `schema_version`, `created`
    ///   (ISO 8601), `first_sample_index`, `shard` ({"index", "count"} or null), `merged_shards`,
    ///   `path`.
    public var jsonObject: [String: Any] {
        let quantities: ([DatasetQuantity]) -> [[String: Any]] = { $0.map { ["name": $0.name, "unit": $0.unit] } }
        return [
            "kind": "dataset",
            "dataset_kind": kind.rawValue,
            "path": path,
            "samples": sampleCount,
            "shape": [sampleCount] + sampleShape,
            "channels": channelCount.map { $0 as Any } ?? NSNull(),
            "energies": channelCount.map { $0 as Any } ?? NSNull(),
            "energy_range": energyRange.map { [$0.lowerBound, $0.upperBound] as Any } ?? NSNull(),
            "classes": classes.map { ["name": $0.name, "anomaly": $0.isAnomaly, "count": $0.count] as [String: Any] },
            "parameters": quantities(parameters),
            "features": quantities(features),
            "expected": expected.map { $0.rawValue as Any } ?? NSNull(),
            "instrument": instrument,
            "exposure": exposure,
            "seed": NSNumber(value: seed),
            "version": softwareVersion,
            "schema_version": schemaVersion,
            "created": created.formatted(.iso8601),
            "first_sample_index": firstSampleIndex,
            "shard": shard.map { ["index": $0.index, "count": $0.count] as Any } ?? NSNull(),
            "merged_shards": mergedShards,
        ]
    }

    /// A few aligned lines for humans, e.g.
    /// ```
    /// dataset     train.h5
    /// kind        spectra, 12000 samples of 7200
    /// channels    7200, 1.8–9 keV
    /// classes     1T: 10000, 2T (anomaly): 1000, NEI (anomaly): 1000
    /// ...
    /// ```
    public var description: String {
        var lines: [String] = []
        let shapeText = sampleShape.map(String.init).joined(separator: " × ")
        lines.append("dataset     \(path)")
        lines.append("kind        \(kind.rawValue), \(sampleCount) samples of \(shapeText)")
        if let channelCount, let energyRange {
            lines.append(String(format: "channels    %d, %.4g–%.4g keV", channelCount, energyRange.lowerBound, energyRange.upperBound))
        }
        if !features.isEmpty {
            lines.append("features    " + features.map { $0.unit.isEmpty ? $0.name : "\($0.name) [\($0.unit)]" }.joined(separator: ", "))
        }
        lines.append("classes     " + classes.map { "\($0.name)\($0.isAnomaly ? " (anomaly)" : ""): \($0.count)" }.joined(separator: ", "))
        if !parameters.isEmpty {
            lines.append("parameters  " + parameters.map { $0.unit.isEmpty ? $0.name : "\($0.name) [\($0.unit)]" }.joined(separator: ", "))
        }
        lines.append("expected    \(expected.map { "stored (\($0.rawValue))" } ?? "not stored")")
        lines.append("instrument  \(instrument), exposure \(String(format: "%g", exposure)) s")
        var provenance = "seed \(seed), perseus \(softwareVersion), schema \(schemaVersion), created \(created.formatted(.iso8601))"
        if let shard { provenance += ", shard \(shard.index) of \(shard.count)" }
        if mergedShards > 0 { provenance += ", merged from \(mergedShards) shard files" }
        lines.append("provenance  \(provenance)")
        return lines.joined(separator: "\n")
    }
}
