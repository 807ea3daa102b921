import Foundation
import PerseusCore
import PerseusHDF5

/// Writes a dataset file (schema: docs/dataset-schema.md) incrementally: samples are appended
/// one at a time in index order, buffered into batches of `batchRows` rows, and each full batch
/// is appended to the chunked, compressed HDF5 datasets. Memory use is one batch whatever the
/// number of samples.
///
/// The file is written under a hidden temporary name beside `path` (`AtomicOutput`) and only
/// `finish()` renames it into place. A writer released or `cancel()`led without `finish()`,
/// or one whose writing fails, removes its temporary file; a process killed mid-run leaves only
/// the hidden `.NAME.partial-…` file, never a file at `path`.
///
/// Samples must arrive in order of `index`, starting at `metadata.firstSampleIndex`. Producers
/// on several threads that finish out of order use `OrderedDatasetWriter`, which reorders.
/// A `DatasetWriter` itself is not thread-safe.
public final class DatasetWriter {
    /// Final path of the dataset file.
    public let path: String
    /// What is being written.
    public let description: DatasetDescription
    /// Samples buffered before each write to the file.
    public let batchRows: Int

    /// Number of samples written to the file so far (excluding the buffered ones).
    public private(set) var rowsWritten = 0
    /// Number of samples currently held in memory.
    public private(set) var bufferedRows = 0
    /// The largest number of samples held in memory at once.
    public private(set) var peakBufferedRows = 0
    /// Samples appended so far (written plus buffered).
    public var sampleCount: Int { rowsWritten + bufferedRows }
    /// Global index the next appended sample must have.
    public var nextIndex: Int { description.metadata.firstSampleIndex + sampleCount }

    private enum State { case open, finished, cancelled }
    private var state = State.open
    private let output: AtomicOutput
    private let file: HDF5File
    private let sampleSet: HDF5Dataset
    private let expectedSet: HDF5Dataset?
    private let labelSet: HDF5Dataset
    private let truthSet: HDF5Dataset?
    private let indexSet: HDF5Dataset

    private let valuesPerSample: Int
    private var counts: [Int32] = []
    private var values: [Float] = []
    private var expected32: [Float] = []
    private var expected64: [Double] = []
    private var labels: [Int64] = []
    private var truth: [Double] = []
    private var indices: [Int64] = []
    private var classCounts: [Int]

    /// Samples per batch by default: about 4 MiB of sample values, a whole number of chunks.
    public static func defaultBatchRows(for layout: DatasetLayout) -> Int {
        let chunkRows = HDF5DatasetOptions.automaticChunkShape(shape: [0] + layout.sampleShape, elementBytes: 4, extendible: true)[0]
        let rowBytes = 4 * max(1, layout.valuesPerSample)
        return max(1, (4 << 20) / rowBytes / chunkRows) * chunkRows
    }

    /// Starts a dataset at `path`.
    /// - Parameters:
    ///   - overwrite: replace an existing file at `path` when `finish()` succeeds.
    ///   - batchRows: samples buffered per write (default `defaultBatchRows(for:)`).
    /// - Throws: `DatasetError.invalidDescription`, `OutputError` (file exists and not
    ///   `overwrite`, missing or unwritable directory), or `HDF5Error`.
    public init(path: String, description: DatasetDescription, overwrite: Bool = false, batchRows: Int? = nil) throws {
        try description.validate(path: path)
        if let batchRows, batchRows < 1 {
            throw DatasetError.invalidDescription(path: path, message: "batch size \(batchRows); expected at least 1 sample")
        }
        self.path = path
        self.description = description
        self.batchRows = batchRows ?? Self.defaultBatchRows(for: description.layout)
        valuesPerSample = description.layout.valuesPerSample
        classCounts = Array(repeating: 0, count: description.classes.count)
        output = try AtomicOutput(path: path, overwrite: overwrite)
        let file = try HDF5File(creating: output.temporary.path, mode: .exclusive)
        do {
            let sets = try Self.createMembers(in: file, description: description)
            self.file = file
            (sampleSet, expectedSet, labelSet, truthSet, indexSet) = sets
        } catch {
            try? file.close()
            output.discard()
            throw error
        }
        reserveBuffers()
    }

    /// Appends the next sample.
    /// - Throws: `DatasetError` if the sample is out of order or does not fit the description
    ///   (the writer stays usable); `DatasetError.writerClosed` after `finish()`/`cancel()`;
    ///   `HDF5Error` if writing a batch fails (the partial file is then removed).
    public func append(_ sample: DatasetSample) throws {
        guard state == .open else { throw DatasetError.writerClosed(path: path) }
        try check(sample)
        switch sample.values {
        case let .counts(sampleCounts): counts.append(contentsOf: sampleCounts)
        case let .values(sampleValues): values.append(contentsOf: sampleValues)
        }
        if let sampleExpected = sample.expected {
            switch description.expected {
            case .float32: expected32.append(contentsOf: sampleExpected.lazy.map { Float($0) })
            case .float64: expected64.append(contentsOf: sampleExpected)
            case nil: break
            }
        }
        labels.append(Int64(sample.label))
        truth.append(contentsOf: sample.truth)
        indices.append(Int64(sample.index))
        classCounts[sample.label] += 1
        bufferedRows += 1
        peakBufferedRows = max(peakBufferedRows, bufferedRows)
        if bufferedRows >= batchRows { try flush() }
    }

    /// Writes the remaining samples, records the sample count, closes the file and renames it
    /// to `path`. Only now does the file appear.
    /// - Returns: the summary of what was written.
    public func finish() throws -> DatasetSummary {
        guard state == .open else { throw DatasetError.writerClosed(path: path) }
        do {
            try flush()
            try file.setAttribute(DatasetSchema.Attribute.sampleCount, .int(Int64(rowsWritten)))
            try closeAll()
            try output.commit()
        } catch {
            cancel()
            throw error
        }
        state = .finished
        return summary
    }

    /// Abandons the dataset: closes and removes the temporary file. No file appears at `path`.
    public func cancel() {
        guard state == .open else { return }
        state = .cancelled
        try? closeAll()
        output.discard()
        counts = []; values = []; expected32 = []; expected64 = []; labels = []; truth = []; indices = []
    }

    deinit { cancel() }

    // MARK: Internals

    private var summary: DatasetSummary {
        DatasetSummary(path: path, description: description, sampleCount: rowsWritten, classCounts: classCounts,
                       schemaVersion: DatasetSchema.version, mergedShards: 0)
    }

    private func check(_ sample: DatasetSample) throws(DatasetError) {
        guard sample.index == nextIndex else { throw .outOfOrder(path: path, expected: nextIndex, received: sample.index) }
        let index = sample.index
        switch (description.layout.kind, sample.values) {
        case let (.spectra, .counts(sampleCounts)):
            guard sampleCounts.count == valuesPerSample else {
                throw .sampleSize(path: path, index: index, what: "counts", expected: valuesPerSample, found: sampleCounts.count)
            }
            if let channel = sampleCounts.firstIndex(where: { $0 < 0 }) {
                throw .negativeCount(path: path, index: index, channel: channel, value: sampleCounts[channel])
            }
        case (.spectra, .values):
            throw .sampleValues(path: path, index: index, expected: "int32 counts (a spectrum)", found: "float values")
        case let (kind, .values(sampleValues)):
            guard sampleValues.count == valuesPerSample else {
                throw .sampleSize(path: path, index: index, what: kind == .images ? "image" : "features",
                                  expected: valuesPerSample, found: sampleValues.count)
            }
        case let (kind, .counts):
            throw .sampleValues(path: path, index: index, expected: "float32 values (\(kind == .images ? "an image" : "event features"))",
                                found: "int32 counts")
        }
        switch (description.expected, sample.expected) {
        case (nil, nil): break
        case (.some, nil): throw .expectedPresence(path: path, index: index, declared: true)
        case (nil, .some): throw .expectedPresence(path: path, index: index, declared: false)
        case let (.some, .some(sampleExpected)):
            guard sampleExpected.count == valuesPerSample else {
                throw .sampleSize(path: path, index: index, what: "expected", expected: valuesPerSample, found: sampleExpected.count)
            }
        }
        guard (0..<description.classes.count).contains(sample.label) else {
            throw .labelOutOfRange(path: path, index: index, label: sample.label, classCount: description.classes.count)
        }
        guard sample.truth.count == description.parameters.count else {
            throw .sampleSize(path: path, index: index, what: "truth", expected: description.parameters.count, found: sample.truth.count)
        }
    }

    private func reserveBuffers() {
        let n = batchRows * valuesPerSample
        if description.layout.kind == .spectra { counts.reserveCapacity(n) } else { values.reserveCapacity(n) }
        switch description.expected {
        case .float32: expected32.reserveCapacity(n)
        case .float64: expected64.reserveCapacity(n)
        case nil: break
        }
        labels.reserveCapacity(batchRows)
        truth.reserveCapacity(batchRows * description.parameters.count)
        indices.reserveCapacity(batchRows)
    }

    /// Appends the buffered samples to the file and empties the buffers (keeping their storage).
    private func flush() throws {
        guard bufferedRows > 0 else { return }
        do {
            if description.layout.kind == .spectra { try sampleSet.appendRows(counts) } else { try sampleSet.appendRows(values) }
            if let expectedSet {
                if description.expected == .float32 { try expectedSet.appendRows(expected32) } else { try expectedSet.appendRows(expected64) }
            }
            try labelSet.appendRows(labels)
            if let truthSet { try truthSet.appendRows(truth) }
            try indexSet.appendRows(indices)
        } catch {
            cancel()
            throw error
        }
        rowsWritten += bufferedRows
        bufferedRows = 0
        counts.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        expected32.removeAll(keepingCapacity: true)
        expected64.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        truth.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
    }

    private func closeAll() throws {
        var firstError: (any Error)?
        for dataset in [sampleSet, expectedSet, labelSet, truthSet, indexSet].compactMap({ $0 }) {
            do { try dataset.close() } catch { firstError = firstError ?? error }
        }
        do { try file.close() } catch { firstError = firstError ?? error }
        if let firstError { throw firstError }
    }

    /// Creates every dataset and attribute of an empty dataset file.
    private static func createMembers(in file: HDF5File, description: DatasetDescription) throws
        -> (HDF5Dataset, HDF5Dataset?, HDF5Dataset, HDF5Dataset?, HDF5Dataset) {
        typealias M = DatasetSchema.Member
        let layout = description.layout
        try DatasetSchema.writeRootAttributes(of: file, description: description, sampleCount: 0)
        let compressed = HDF5DatasetOptions.compressed(level: DatasetSchema.deflateLevel, shuffle: true, extendible: true)
        let shape = [0] + layout.sampleShape
        let samples = try file.createDataset(layout.kind.rawValue, type: layout.kind == .spectra ? .int32 : .float32,
                                             shape: shape, options: compressed)
        try DatasetSchema.annotateSamples(samples, description: description)
        if case let .spectra(channels) = layout { try DatasetSchema.writeChannels(channels, to: file) }
        var expected: HDF5Dataset?
        if let precision = description.expected {
            let set = try file.createDataset(M.expected, type: precision == .float32 ? .float32 : .float64,
                                             shape: shape, options: compressed)
            try DatasetSchema.annotateExpected(set, description: description)
            expected = set
        }
        let labels = try file.createDataset(M.labels, type: .int64, shape: [0], options: compressed)
        try DatasetSchema.annotateLabels(labels, classes: description.classes)
        var truth: HDF5Dataset?
        if !description.parameters.isEmpty {
            let set = try file.createDataset(M.truth, type: .float64, shape: [0, description.parameters.count], options: compressed)
            try DatasetSchema.annotateTruth(set, parameters: description.parameters)
            truth = set
        }
        let indices = try file.createDataset(M.sampleIndex, type: .int64, shape: [0], options: compressed)
        try DatasetSchema.annotateIndices(indices)
        return (samples, expected, labels, truth, indices)
    }
}
