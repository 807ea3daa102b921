import Foundation
import PerseusCore

/// Provenance of a dataset, written as root attributes.
public struct DatasetMetadata: Sendable, Hashable {
    /// The complete text of the scenario file that produced the dataset ("" if none).
    public var scenario: String
    /// Instrument name (e.g. "hitomi-sxs", "nustar-fpma").
    public var instrument: String
    /// Exposure time per sample [s].
    public var exposure: Double
    /// The dataset seed: every random stream of sample i is keyed by (seed, purpose, i).
    public var seed: UInt64
    /// Creation time (stored as ISO 8601 UTC, to the second).
    public var created: Date
    /// The Perseus version that wrote the file.
    public var softwareVersion: String
    /// Global index of the file's first sample (0 unless the file is a shard).
    public var firstSampleIndex: Int
    /// The shard this file holds, if it was generated as one of several.
    public var shard: DatasetShard?

    public init(scenario: String = "", instrument: String, exposure: Double, seed: UInt64,
                created: Date = Date(), softwareVersion: String = PerseusVersion.string,
                firstSampleIndex: Int = 0, shard: DatasetShard? = nil) {
        self.scenario = scenario
        self.instrument = instrument
        self.exposure = exposure
        self.seed = seed
        self.created = Date(timeIntervalSince1970: created.timeIntervalSince1970.rounded(.down))
        self.softwareVersion = softwareVersion
        self.firstSampleIndex = firstSampleIndex
        self.shard = shard
    }

    /// `created` as stored: ISO 8601 in UTC, e.g. "2025-03-01T14:05:09Z".
    public var createdText: String { created.formatted(.iso8601) }

    /// Parses the stored creation time.
    static func parseCreated(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle().parse(text)
    }
}
