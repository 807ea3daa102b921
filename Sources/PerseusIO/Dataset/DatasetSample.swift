/// The values of one sample.
public enum DatasetSampleValues: Sendable, Hashable {
    /// A counts spectrum, one non-negative count per channel (spectra datasets).
    case counts([Int32])
    /// Float values: an image row-major (y then x) or an event's features in column order.
    case values([Float])

    /// Number of values.
    public var count: Int {
        switch self {
        case let .counts(counts): return counts.count
        case let .values(values): return values.count
        }
    }
}

/// One sample as written to or read from a dataset.
public struct DatasetSample: Sendable, Hashable {
    /// Global sample index: the index its random streams are keyed by (`sample_index`).
    public var index: Int
    /// The observed values (Poisson counts for spectra).
    public var values: DatasetSampleValues
    /// The noise-free expectation of every value (the Poisson means), if the dataset stores them.
    public var expected: [Double]?
    /// Index of the sample's class in the dataset's class list.
    public var label: Int
    /// True parameter values, one per dataset parameter, NaN where the class lacks one.
    public var truth: [Double]

    public init(index: Int, values: DatasetSampleValues, expected: [Double]? = nil, label: Int, truth: [Double] = []) {
        self.index = index
        self.values = values
        self.expected = expected
        self.label = label
        self.truth = truth
    }
}
