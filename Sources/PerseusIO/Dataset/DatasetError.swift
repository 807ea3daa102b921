import PerseusCore

/// Why a Perseus dataset file cannot be written or read. Descriptions name the file, the sample
/// or object, and what was expected. (Failures inside libhdf5 arrive as `HDF5Error`, failures
/// to place the finished file as `OutputError`; both name the file too.)
public enum DatasetError: PerseusError, Equatable {
    /// The dataset description cannot be written (empty class list, mismatched channel axis, …).
    case invalidDescription(path: String, message: String)
    /// A sample arrived with another index than the next one in order.
    case outOfOrder(path: String, expected: Int, received: Int)
    /// A sample's `what` has `found` elements where the layout needs `expected`.
    case sampleSize(path: String, index: Int, what: String, expected: Int, found: Int)
    /// A sample carries the wrong kind of values (e.g. float values for a spectra dataset).
    case sampleValues(path: String, index: Int, expected: String, found: String)
    /// A sample's label is not the index of a declared class.
    case labelOutOfRange(path: String, index: Int, label: Int, classCount: Int)
    /// A spectrum holds a negative count.
    case negativeCount(path: String, index: Int, channel: Int, value: Int32)
    /// A sample's noise-free expectation is present where none was declared, or missing.
    case expectedPresence(path: String, index: Int, declared: Bool)
    /// `append` or `finish` after the writer finished or was cancelled.
    case writerClosed(path: String)
    /// Samples were still waiting for a missing lower index when the writer finished.
    case incomplete(path: String, missingIndex: Int, waiting: Int)
    /// The same sample index was submitted twice.
    case duplicateIndex(path: String, index: Int)
    /// The file is HDF5 but not a Perseus dataset (no `format = "perseus-dataset"` attribute).
    case notADataset(path: String, reason: String)
    /// The file's schema version is newer than this software understands.
    case unsupportedSchema(path: String, version: Int64, supported: Int64)
    /// A member of the file contradicts the schema (wrong dtype, shape, row count, …).
    case malformed(path: String, object: String, message: String)
    /// A sample index (row) beyond the file.
    case rowOutOfRange(path: String, rows: Range<Int>, count: Int)
    /// An operation that needs another kind of dataset (counts from an images file, …).
    case wrongKind(path: String, operation: String, expected: DatasetKind, found: DatasetKind)
    /// A merged (virtual) dataset whose shard files are missing.
    case missingShards(path: String, files: [String])

    public var description: String {
        switch self {
        case let .invalidDescription(path, message):
            return "\(path): cannot write this dataset: \(message)"
        case let .outOfOrder(path, expected, received):
            return "\(path): sample \(received) arrived out of order; expected sample \(expected) next (use OrderedDatasetWriter for producers that finish out of order)"
        case let .sampleSize(path, index, what, expected, found):
            return "\(path): sample \(index): \(what) has \(found) values; expected \(expected)"
        case let .sampleValues(path, index, expected, found):
            return "\(path): sample \(index) holds \(found); expected \(expected)"
        case let .labelOutOfRange(path, index, label, classCount):
            return "\(path): sample \(index) has label \(label); expected a class index 0..<\(classCount)"
        case let .negativeCount(path, index, channel, value):
            return "\(path): sample \(index) channel index \(channel) holds \(value) counts; counts must be ≥ 0"
        case let .expectedPresence(path, index, declared):
            return declared
                ? "\(path): sample \(index) lacks its noise-free expectation, which the dataset declares"
                : "\(path): sample \(index) carries a noise-free expectation, but the dataset declares none"
        case let .writerClosed(path):
            return "\(path): the dataset writer has already finished or been cancelled"
        case let .incomplete(path, missingIndex, waiting):
            return "\(path): sample \(missingIndex) never arrived; \(waiting) later samples are waiting for it"
        case let .duplicateIndex(path, index):
            return "\(path): sample \(index) was submitted twice"
        case let .notADataset(path, reason):
            return "\(path): not a Perseus dataset: \(reason)"
        case let .unsupportedSchema(path, version, supported):
            return "\(path): dataset schema version \(version) is newer than this Perseus understands (≤ \(supported)); upgrade Perseus"
        case let .malformed(path, object, message):
            return "\(path): '\(object)': \(message)"
        case let .rowOutOfRange(path, rows, count):
            return "\(path): samples \(rows.lowerBound)..<\(rows.upperBound) requested; the dataset has \(count) samples (0..<\(count))"
        case let .wrongKind(path, operation, expected, found):
            return "\(path): \(operation) needs a \(expected.rawValue) dataset; this one holds \(found.rawValue)"
        case let .missingShards(path, files):
            return "\(path): merged dataset refers to missing shard files: \(files.joined(separator: ", "))"
        }
    }
}
