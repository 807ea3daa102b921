import PerseusCore

/// A named quantity with a unit: a truth parameter (column of `truth`) or an event feature
/// (column of `events`). The unit is free text in the conventions of the field ("keV",
/// "1e22 cm^-2", "deg"); the empty string means dimensionless.
public struct DatasetQuantity: Sendable, Hashable {
    public var name: String
    public var unit: String

    public init(_ name: String, unit: String = "") {
        self.name = name
        self.unit = unit
    }
}

/// One class of samples: its name (e.g. "1T", "2T", "NEI") and whether it is an anomaly class.
/// A sample's label is the index of its class in the dataset's class list.
public struct DatasetClass: Sendable, Hashable {
    public var name: String
    public var isAnomaly: Bool

    public init(_ name: String, isAnomaly: Bool = false) {
        self.name = name
        self.isAnomaly = isAnomaly
    }
}

/// Channel numbers and nominal energy bounds of a spectra dataset — the response's EBOUNDS:
/// channel `channel[i]` (OGIP numbering as in the response, 0- or 1-based) covers
/// `eMin[i]`…`eMax[i]` keV.
public struct DatasetChannels: Sendable, Hashable {
    /// Channel numbers, one per spectrum column.
    public let channel: [Int32]
    /// Lower channel energy bounds [keV].
    public let eMin: [Double]
    /// Upper channel energy bounds [keV].
    public let eMax: [Double]

    /// Channels from explicit arrays (checked by `DatasetDescription.validate`).
    public init(channel: [Int32], eMin: [Double], eMax: [Double]) {
        self.channel = channel
        self.eMin = eMin
        self.eMax = eMax
    }

    /// One channel per bin of `grid`, numbered from `firstChannel`.
    public init(grid: EnergyGrid, firstChannel: Int32 = 1) {
        channel = (0..<grid.count).map { firstChannel + Int32($0) }
        eMin = grid.lo
        eMax = grid.hi
    }

    /// Number of channels.
    public var count: Int { channel.count }

    /// Lowest lower bound to highest upper bound [keV], or nil if there are no channels.
    public var energyRange: ClosedRange<Double>? {
        guard let low = eMin.min(), let high = eMax.max(), low <= high else { return nil }
        return low...high
    }

    /// Why the arrays cannot describe channels, or nil if they can.
    func problem() -> String? {
        guard !channel.isEmpty else { return "a spectra dataset needs at least one channel" }
        guard eMin.count == channel.count, eMax.count == channel.count else {
            return "\(channel.count) channel numbers but \(eMin.count) e_min and \(eMax.count) e_max values"
        }
        for i in channel.indices {
            guard eMin[i].isFinite, eMax[i].isFinite, eMin[i] >= 0, eMin[i] <= eMax[i] else {
                return "channel \(channel[i]): energy bounds \(eMin[i])…\(eMax[i]) keV; expected finite 0 ≤ e_min ≤ e_max"
            }
        }
        return nil
    }
}

/// The shape and meaning of the samples of a dataset.
public enum DatasetLayout: Sendable, Hashable {
    /// Counts spectra over the given channels: `spectra` [N, channels] int32.
    case spectra(DatasetChannels)
    /// Images of `height` × `width` pixels (row-major, y then x): `images` [N, height, width] float32.
    case images(height: Int, width: Int)
    /// Event feature vectors: `events` [N, features] float32, one column per feature.
    case events(features: [DatasetQuantity])

    /// The kind of samples.
    public var kind: DatasetKind {
        switch self {
        case .spectra: return .spectra
        case .images: return .images
        case .events: return .events
        }
    }

    /// Shape of one sample: [channels], [height, width] or [features].
    public var sampleShape: [Int] {
        switch self {
        case let .spectra(channels): return [channels.count]
        case let .images(height, width): return [height, width]
        case let .events(features): return [features.count]
        }
    }

    /// Number of values in one sample.
    public var valuesPerSample: Int { sampleShape.reduce(1, *) }
}

/// The precision of the stored noise-free expectations (`expected`).
public enum DatasetExpectedPrecision: String, Sendable, Hashable {
    /// float32: 24-bit significand, relative rounding ≤ 6e-8 — ample for a model prediction.
    case float32
    /// float64, when the expectations feed a likelihood that needs more.
    case float64
}

/// Which shard of a larger generation run a file holds (`--shard k/N`, here 0-based: `index`
/// 0…`count`−1).
public struct DatasetShard: Sendable, Hashable {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }
}
