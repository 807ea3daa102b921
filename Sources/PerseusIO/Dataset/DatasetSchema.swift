import PerseusHDF5

/// Names and constants of the on-disk dataset schema (docs/dataset-schema.md), shared by
/// `DatasetWriter` and `DatasetReader` so the two cannot drift apart.
public enum DatasetSchema {
    /// Value of the root attribute `format` that marks a Perseus dataset.
    public static let format = "perseus-dataset"
    /// The schema version this software writes and the newest it reads.
    public static let version: Int64 = 1

    /// Root attributes.
    enum Attribute {
        static let format = "format"
        static let schemaVersion = "schema_version"
        static let kind = "kind"
        static let sampleCount = "sample_count"
        static let scenario = "scenario"
        static let instrument = "instrument"
        static let exposure = "exposure"
        static let seed = "seed"
        static let software = "software"
        static let softwareVersion = "software_version"
        static let created = "created"
        static let firstSampleIndex = "first_sample_index"
        static let shardIndex = "shard_index"
        static let shardCount = "shard_count"
        // On datasets:
        static let units = "units"
        static let classNames = "class_names"
        static let classIsAnomaly = "class_is_anomaly"
        static let parameterNames = "parameter_names"
        static let parameterUnits = "parameter_units"
        static let featureNames = "feature_names"
        static let featureUnits = "feature_units"
        static let description = "description"
    }

    /// Dataset names.
    enum Member {
        static let expected = "expected"
        static let labels = "labels"
        static let truth = "truth"
        static let sampleIndex = "sample_index"
        static let channel = "channel"
        static let eMin = "e_min"
        static let eMax = "e_max"
    }

    /// Compression of every per-sample dataset: shuffle + deflate (gzip) level 4.
    static let deflateLevel = 4

    // MARK: Writing the schema's attributes (shared by DatasetWriter and DatasetMerge)

    /// Root attributes.
    static func writeRootAttributes(of file: HDF5File, description: DatasetDescription, sampleCount: Int) throws {
        typealias A = Attribute
        let metadata = description.metadata
        try file.setAttribute(A.format, .string(format))
        try file.setAttribute(A.schemaVersion, .int(version))
        try file.setAttribute(A.kind, .string(description.layout.kind.rawValue))
        try file.setAttribute(A.sampleCount, .int(Int64(sampleCount)))
        try file.setAttribute(A.scenario, .string(metadata.scenario))
        try file.setAttribute(A.instrument, .string(metadata.instrument))
        try file.setAttribute(A.exposure, .double(metadata.exposure))
        try file.setAttribute(A.seed, .uint(metadata.seed))
        try file.setAttribute(A.software, .string("perseus"))
        try file.setAttribute(A.softwareVersion, .string(metadata.softwareVersion))
        try file.setAttribute(A.created, .string(metadata.createdText))
        try file.setAttribute(A.firstSampleIndex, .int(Int64(metadata.firstSampleIndex)))
        if let shard = metadata.shard {
            try file.setAttribute(A.shardIndex, .int(Int64(shard.index)))
            try file.setAttribute(A.shardCount, .int(Int64(shard.count)))
        }
    }

    /// Attributes of `spectra` / `images` / `events`.
    static func annotateSamples(_ samples: HDF5Dataset, description: DatasetDescription) throws {
        try samples.setAttribute(Attribute.units, .string(description.sampleUnits))
        switch description.layout {
        case .spectra:
            try samples.setAttribute(Attribute.description, .string("Poisson-sampled counts per channel, axes (sample, channel)"))
        case .images:
            try samples.setAttribute(Attribute.description, .string("images, axes (sample, y, x)"))
        case let .events(features):
            try samples.setAttribute(Attribute.description, .string("event feature vectors, axes (sample, feature)"))
            try samples.setAttribute(Attribute.featureNames, .strings(features.map(\.name)))
            try samples.setAttribute(Attribute.featureUnits, .strings(features.map(\.unit)))
        }
    }

    /// `channel`, `e_min`, `e_max` of a spectra dataset.
    static func writeChannels(_ channels: DatasetChannels, to file: HDF5File) throws {
        try file.createDataset(Member.channel, values: channels.channel)
        let eMin = try file.createDataset(Member.eMin, values: channels.eMin)
        try eMin.setAttribute(Attribute.units, .string("keV"))
        let eMax = try file.createDataset(Member.eMax, values: channels.eMax)
        try eMax.setAttribute(Attribute.units, .string("keV"))
    }

    /// Attributes of `expected`.
    static func annotateExpected(_ set: HDF5Dataset, description: DatasetDescription) throws {
        try set.setAttribute(Attribute.units, .string(description.sampleUnits))
        try set.setAttribute(Attribute.description, .string("noise-free expectation of each value (the mean of its Poisson draw)"))
    }

    /// Attributes of `labels`.
    static func annotateLabels(_ set: HDF5Dataset, classes: [DatasetClass]) throws {
        try set.setAttribute(Attribute.classNames, .strings(classes.map(\.name)))
        try set.setAttribute(Attribute.classIsAnomaly, .ints(classes.map { $0.isAnomaly ? 1 : 0 }))
    }

    /// Attributes of `truth`.
    static func annotateTruth(_ set: HDF5Dataset, parameters: [DatasetQuantity]) throws {
        try set.setAttribute(Attribute.parameterNames, .strings(parameters.map(\.name)))
        try set.setAttribute(Attribute.parameterUnits, .strings(parameters.map(\.unit)))
    }

    /// Attributes of `sample_index`.
    static func annotateIndices(_ set: HDF5Dataset) throws {
        try set.setAttribute(Attribute.description, .string("global sample index: the index the sample's random streams are keyed by"))
    }
}
