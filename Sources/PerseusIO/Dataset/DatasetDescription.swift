/// Everything a `DatasetWriter` needs to know before the first sample: sample layout, classes,
/// truth parameters, whether noise-free expectations are stored, and provenance.
public struct DatasetDescription: Sendable, Hashable {
    /// Kind and shape of the samples.
    public var layout: DatasetLayout
    /// The classes; a sample's label is an index into this list. At least one.
    public var classes: [DatasetClass]
    /// Columns of `truth` [N, P]: the union of every class's parameters. A sample whose class
    /// lacks a parameter stores NaN there. May be empty (then no `truth` dataset is written).
    public var parameters: [DatasetQuantity]
    /// Precision of the stored noise-free expectations, or nil to store none.
    public var expected: DatasetExpectedPrecision?
    /// Unit of the sample values: "counts" for spectra (always), e.g. "counts" or
    /// "photons cm^-2 s^-1" for images; for events the per-feature units apply.
    public var sampleUnits: String
    /// Provenance written as root attributes.
    public var metadata: DatasetMetadata

    public init(layout: DatasetLayout, classes: [DatasetClass], parameters: [DatasetQuantity] = [],
                expected: DatasetExpectedPrecision? = nil, sampleUnits: String? = nil, metadata: DatasetMetadata) {
        self.layout = layout
        self.classes = classes
        self.parameters = parameters
        self.expected = expected
        self.sampleUnits = sampleUnits ?? (layout.kind == .events ? "" : "counts")
        self.metadata = metadata
    }

    /// Checks the description can be written.
    /// - Throws: `DatasetError.invalidDescription` saying what is wrong.
    public func validate(path: String) throws(DatasetError) {
        func fail(_ message: String) -> DatasetError { .invalidDescription(path: path, message: message) }
        switch layout {
        case let .spectra(channels):
            if let problem = channels.problem() { throw fail(problem) }
            if sampleUnits != "counts" { throw fail("spectra hold counts; sample units '\(sampleUnits)' are not allowed") }
        case let .images(height, width):
            guard height > 0, width > 0 else { throw fail("image size \(height) × \(width); expected positive height and width") }
        case let .events(features):
            guard !features.isEmpty else { throw fail("an events dataset needs at least one feature") }
            if let duplicate = firstDuplicate(features.map(\.name)) { throw fail("feature '\(duplicate)' appears twice") }
            if features.contains(where: { $0.name.isEmpty }) { throw fail("a feature has an empty name") }
        }
        guard !classes.isEmpty else { throw fail("at least one class is needed") }
        if classes.contains(where: { $0.name.isEmpty }) { throw fail("a class has an empty name") }
        if let duplicate = firstDuplicate(classes.map(\.name)) { throw fail("class '\(duplicate)' appears twice") }
        if parameters.contains(where: { $0.name.isEmpty }) { throw fail("a parameter has an empty name") }
        if let duplicate = firstDuplicate(parameters.map(\.name)) { throw fail("parameter '\(duplicate)' appears twice") }
        guard metadata.exposure.isFinite, metadata.exposure >= 0 else {
            throw fail("exposure \(metadata.exposure) s; expected a finite value ≥ 0")
        }
        guard metadata.firstSampleIndex >= 0 else { throw fail("first sample index \(metadata.firstSampleIndex) is negative") }
        if let shard = metadata.shard, !(shard.count >= 1 && (0..<shard.count).contains(shard.index)) {
            throw fail("shard \(shard.index) of \(shard.count); expected 0 ≤ index < count")
        }
        let texts = [metadata.scenario, metadata.instrument, metadata.softwareVersion, sampleUnits]
            + classes.map(\.name) + parameters.flatMap { [$0.name, $0.unit] }
        if texts.contains(where: { $0.utf8.contains(0) }) { throw fail("text contains a NUL character, which HDF5 strings cannot hold") }
    }
}

private func firstDuplicate(_ names: [String]) -> String? {
    var seen = Set<String>()
    for name in names where !seen.insert(name).inserted { return name }
    return nil
}
