import Foundation
import PerseusCore
import PerseusHDF5

/// Reads a Perseus dataset file (schema: docs/dataset-schema.md), a single file or a merged
/// view of shards (HDF5 virtual datasets).
///
/// Opening checks the whole schema — format marker, schema version, every member's element
/// type and shape, that all per-sample datasets have the same number of rows, and that the
/// shard files of a merged view exist — so later reads only fail on I/O. Rows are read in
/// ranges; nothing is loaded until asked for. A reader may be shared between threads (HDF5
/// calls are serialised process-wide).
public final class DatasetReader: Sendable {
    /// Path of the dataset file.
    public let path: String
    /// The description the file was written with (layout, classes, parameters, provenance).
    public let description: DatasetDescription
    /// Number of samples N.
    public let sampleCount: Int
    /// The file's schema version.
    public let schemaVersion: Int64
    /// Number of shard files a merged view reads from (0 for an ordinary file; empty shards
    /// contribute no rows and are not counted).
    public let mergedShards: Int

    private let file: HDF5File
    private let sampleSet: HDF5Dataset
    private let expectedSet: HDF5Dataset?
    private let labelSet: HDF5Dataset
    private let truthSet: HDF5Dataset?
    private let indexSet: HDF5Dataset

    /// The kind of samples.
    public var kind: DatasetKind { description.layout.kind }
    /// Shape of one sample: [channels], [height, width] or [features].
    public var sampleShape: [Int] { description.layout.sampleShape }
    /// Classes in label order.
    public var classes: [DatasetClass] { description.classes }
    /// Truth parameters in column order.
    public var parameters: [DatasetQuantity] { description.parameters }
    /// Provenance.
    public var metadata: DatasetMetadata { description.metadata }
    /// Channel numbers and energy bounds (spectra datasets only).
    public var channels: DatasetChannels? {
        if case let .spectra(channels) = description.layout { return channels }
        return nil
    }

    /// Opens and checks the dataset at `path`.
    /// - Throws: `HDF5Error` (missing, not HDF5, truncated), `DatasetError.notADataset`,
    ///   `.unsupportedSchema`, `.malformed` naming the offending member, `.missingShards`.
    public init(path: String) throws {
        typealias A = DatasetSchema.Attribute
        typealias M = DatasetSchema.Member
        self.path = path
        let file = try HDF5File(opening: path)
        self.file = file
        func malformed(_ object: String, _ message: String) -> DatasetError { .malformed(path: path, object: object, message: message) }

        guard try file.hasAttribute(A.format) else {
            throw DatasetError.notADataset(path: path, reason: "the root group has no '\(A.format)' attribute")
        }
        let format = try file.stringAttribute(A.format)
        guard format == DatasetSchema.format else {
            throw DatasetError.notADataset(path: path, reason: "format is '\(format)'; expected '\(DatasetSchema.format)'")
        }
        schemaVersion = try file.intAttribute(A.schemaVersion)
        guard schemaVersion <= DatasetSchema.version, schemaVersion >= 1 else {
            throw DatasetError.unsupportedSchema(path: path, version: schemaVersion, supported: DatasetSchema.version)
        }
        let kindText = try file.stringAttribute(A.kind)
        guard let kind = DatasetKind(rawValue: kindText) else {
            throw malformed("/", "kind is '\(kindText)'; expected one of \(DatasetKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let count = try file.intAttribute(A.sampleCount)
        guard count >= 0 else { throw malformed("/", "sample_count is \(count)") }
        let n = Int(count)
        sampleCount = n

        // Samples.
        let samples = try file.dataset(kind.rawValue)
        let sampleType: HDF5ElementType = kind == .spectra ? .int32 : .float32
        guard samples.elementType == sampleType else {
            throw malformed(samples.path, "holds \(samples.elementType); expected \(sampleType)")
        }
        let shape = try samples.shape()
        let rank = kind == .images ? 3 : 2
        guard shape.count == rank, shape[0] == n, shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw malformed(samples.path, "has shape \(shape); expected [\(n)\(kind == .images ? ", height, width" : ", \(kind == .spectra ? "channels" : "features")")]")
        }
        sampleSet = samples
        let sampleUnits = try samples.stringAttribute(A.units)

        // Layout.
        let layout: DatasetLayout
        switch kind {
        case .spectra:
            let c = shape[1]
            func axis<T: HDF5Numeric>(_ name: String, _ type: T.Type) throws -> [T] {
                let set = try file.dataset(name)
                guard set.elementType == T.hdf5ElementType, try set.shape() == [c] else {
                    throw malformed(set.path, "holds \(set.elementType) \(try set.shape()); expected \(T.hdf5ElementType) [\(c)] (one per channel)")
                }
                return try set.read(as: T.self)
            }
            layout = .spectra(DatasetChannels(channel: try axis(M.channel, Int32.self), eMin: try axis(M.eMin, Double.self),
                                              eMax: try axis(M.eMax, Double.self)))
        case .images:
            layout = .images(height: shape[1], width: shape[2])
        case .events:
            let names = try samples.stringsAttribute(A.featureNames)
            let units = try samples.stringsAttribute(A.featureUnits)
            guard names.count == shape[1], units.count == shape[1] else {
                throw malformed(samples.path, "\(names.count) feature names and \(units.count) units for \(shape[1]) columns")
            }
            layout = .events(features: zip(names, units).map { DatasetQuantity($0, unit: $1) })
        }

        // Per-sample companions.
        func rows(_ name: String, type: HDF5ElementType, rowShape: [Int]) throws -> HDF5Dataset {
            let set = try file.dataset(name)
            guard set.elementType == type else { throw malformed(set.path, "holds \(set.elementType); expected \(type)") }
            let found = try set.shape()
            guard found == [n] + rowShape else {
                throw malformed(set.path, "has shape \(found); expected \([n] + rowShape) (one row per sample)")
            }
            return set
        }
        labelSet = try rows(M.labels, type: .int64, rowShape: [])
        let classNames = try labelSet.stringsAttribute(A.classNames)
        let anomalous = try labelSet.intsAttribute(A.classIsAnomaly)
        guard !classNames.isEmpty, anomalous.count == classNames.count else {
            throw malformed(labelSet.path, "\(classNames.count) class names and \(anomalous.count) anomaly flags; expected equal, non-zero counts")
        }
        let classes = zip(classNames, anomalous).map { DatasetClass($0, isAnomaly: $1 != 0) }
        indexSet = try rows(M.sampleIndex, type: .int64, rowShape: [])

        var parameters: [DatasetQuantity] = []
        if file.contains(M.truth) {
            let probe = try file.dataset(M.truth)
            let p = try probe.shape().last ?? 0
            let set = try rows(M.truth, type: .float64, rowShape: [p])
            let names = try set.stringsAttribute(A.parameterNames)
            let units = try set.stringsAttribute(A.parameterUnits)
            guard names.count == p, units.count == p else {
                throw malformed(set.path, "\(names.count) parameter names and \(units.count) units for \(p) columns")
            }
            parameters = zip(names, units).map { DatasetQuantity($0, unit: $1) }
            truthSet = set
        } else {
            truthSet = nil
        }

        var precision: DatasetExpectedPrecision?
        if file.contains(M.expected) {
            let probe = try file.dataset(M.expected)
            switch probe.elementType {
            case .float32: precision = .float32
            case .float64: precision = .float64
            default: throw malformed(probe.path, "holds \(probe.elementType); expected float32 or float64")
            }
            expectedSet = try rows(M.expected, type: probe.elementType, rowShape: Array(shape.dropFirst()))
        } else {
            expectedSet = nil
        }

        // Provenance.
        let createdText = try file.stringAttribute(A.created)
        guard let created = DatasetMetadata.parseCreated(createdText) else {
            throw malformed("/", "created is '\(createdText)'; expected an ISO 8601 time such as 2025-03-01T14:05:09Z")
        }
        var shard: DatasetShard?
        if try file.hasAttribute(A.shardIndex) {
            shard = DatasetShard(index: Int(try file.intAttribute(A.shardIndex)), count: Int(try file.intAttribute(A.shardCount)))
        }
        let metadata = DatasetMetadata(
            scenario: try file.stringAttribute(A.scenario), instrument: try file.stringAttribute(A.instrument),
            exposure: try file.doubleAttribute(A.exposure), seed: try file.uintAttribute(A.seed), created: created,
            softwareVersion: try file.stringAttribute(A.softwareVersion),
            firstSampleIndex: Int(try file.intAttribute(A.firstSampleIndex)), shard: shard)
        description = DatasetDescription(layout: layout, classes: classes, parameters: parameters, expected: precision,
                                         sampleUnits: sampleUnits, metadata: metadata)

        // A merged view: every shard must be present (HDF5 would silently read fill values).
        var missing: [String] = []
        var shardFiles = Set<String>()
        for set in [sampleSet, expectedSet, labelSet, truthSet, indexSet].compactMap({ $0 }) {
            missing += try set.missingVirtualSourceFiles().filter { !missing.contains($0) }
            shardFiles.formUnion(try set.virtualSources().map(\.file))
        }
        guard missing.isEmpty else { throw DatasetError.missingShards(path: path, files: missing) }
        mergedShards = shardFiles.count
    }

    // MARK: Samples

    /// Sample in row `row` (0..<sampleCount).
    public func sample(_ row: Int) throws -> DatasetSample {
        try samples(row..<(row + 1))[0]
    }

    /// Samples in rows `rows`.
    public func samples(_ rows: Range<Int>) throws -> [DatasetSample] {
        try check(rows)
        let perSample = description.layout.valuesPerSample
        let labels = try self.labels(rows: rows)
        let truth = try self.truth(rows: rows)
        let indices = try sampleIndices(rows: rows)
        let expected = try self.expected(rows: rows)
        let p = parameters.count
        let counts = kind == .spectra ? try self.counts(rows: rows) : []
        let values = kind == .spectra ? [] : try self.values(rows: rows)
        return (0..<rows.count).map { i in
            let span = (i * perSample)..<((i + 1) * perSample)
            return DatasetSample(
                index: indices[i],
                values: kind == .spectra ? .counts(Array(counts[span])) : .values(Array(values[span])),
                expected: expected.map { Array($0[span]) },
                label: labels[i],
                truth: Array(truth[(i * p)..<((i + 1) * p)]))
        }
    }

    /// Counts of rows `rows`, row-major [rows.count, channels] (spectra datasets).
    public func counts(rows: Range<Int>) throws -> [Int32] {
        guard kind == .spectra else { throw DatasetError.wrongKind(path: path, operation: "reading counts", expected: .spectra, found: kind) }
        try check(rows)
        return try sampleSet.readRows(rows, as: Int32.self)
    }

    /// Values of rows `rows`, row-major [rows.count, height, width] or [rows.count, features]
    /// (images and events datasets).
    public func values(rows: Range<Int>) throws -> [Float] {
        guard kind != .spectra else {
            throw DatasetError.wrongKind(path: path, operation: "reading float values", expected: .images, found: kind)
        }
        try check(rows)
        return try sampleSet.readRows(rows, as: Float.self)
    }

    /// Sample values of rows `rows` as Float whatever the kind (counts converted exactly up
    /// to 2^24), row-major — convenient for detectors.
    public func floatValues(rows: Range<Int>) throws -> [Float] {
        kind == .spectra ? try counts(rows: rows).map { Float($0) } : try values(rows: rows)
    }

    /// Noise-free expectations of rows `rows`, row-major like the samples, or nil if the dataset
    /// stores none.
    public func expected(rows: Range<Int>) throws -> [Double]? {
        try check(rows)
        guard let expectedSet else { return nil }
        if description.expected == .float32 { return try expectedSet.readRows(rows, as: Float.self).map { Double($0) } }
        return try expectedSet.readRows(rows, as: Double.self)
    }

    /// Labels (class indices) of rows `rows` (default: all).
    public func labels(rows: Range<Int>? = nil) throws -> [Int] {
        let rows = rows ?? 0..<sampleCount
        try check(rows)
        return try labelSet.readRows(rows, as: Int64.self).map { Int($0) }
    }

    /// True parameters of rows `rows` (default: all), row-major [rows.count, parameters.count];
    /// NaN where a sample's class lacks the parameter. Empty if the dataset has no parameters.
    public func truth(rows: Range<Int>? = nil) throws -> [Double] {
        let rows = rows ?? 0..<sampleCount
        try check(rows)
        guard let truthSet else { return [] }
        return try truthSet.readRows(rows, as: Double.self)
    }

    /// Global sample indices of rows `rows` (default: all).
    public func sampleIndices(rows: Range<Int>? = nil) throws -> [Int] {
        let rows = rows ?? 0..<sampleCount
        try check(rows)
        return try indexSet.readRows(rows, as: Int64.self).map { Int($0) }
    }

    /// Number of samples of each class, in class order (reads the labels in blocks).
    public func classCounts() throws -> [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        let block = 1 << 16
        for start in stride(from: 0, to: sampleCount, by: block) {
            for label in try labelSet.readRows(start..<min(sampleCount, start + block), as: Int64.self) {
                guard label >= 0, Int(label) < counts.count else {
                    throw DatasetError.malformed(path: path, object: labelSet.path,
                                                 message: "label \(label) is not a class index 0..<\(counts.count)")
                }
                counts[Int(label)] += 1
            }
        }
        return counts
    }

    /// What `perseus inspect` shows.
    public func summary() throws -> DatasetSummary {
        DatasetSummary(path: path, description: description, sampleCount: sampleCount, classCounts: try classCounts(),
                       schemaVersion: schemaVersion, mergedShards: mergedShards)
    }

    /// Closes the file now rather than when the reader is released.
    public func close() throws {
        for set in [sampleSet, expectedSet, labelSet, truthSet, indexSet].compactMap({ $0 }) { try set.close() }
        try file.close()
    }

    private func check(_ rows: Range<Int>) throws(DatasetError) {
        guard rows.lowerBound >= 0, rows.upperBound <= sampleCount else {
            throw .rowOutOfRange(path: path, rows: rows, count: sampleCount)
        }
    }
}
