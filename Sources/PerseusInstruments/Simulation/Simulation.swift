import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics

/// A scenario prepared for generation through one instrument: classes bound to their models,
/// the folding, the exposure and the background.
///
/// Sample *i* (numbered class by class over the whole scenario) is a pure function of the seed
/// and *i*: its parameters come from `RandomStream(seed:, purpose: .parameters, index: i)` and
/// its counts from `RandomStream(seed:, purpose: .sourceCounts, index: i)`, so a dataset is the
/// same whatever the thread count, and shards concatenate to exactly the unsharded dataset.
public struct Simulation: Sendable {
    public let scenario: Scenario
    public let classes: [BoundClass]
    public let observer: any CountsObserver
    /// Instrument name written into the dataset metadata.
    public let instrumentName: String
    /// Exposure [s].
    public let exposure: Double
    /// Expected background counts per output channel added to every sample, or nil.
    public let backgroundCounts: [Double]?
    /// Columns of the dataset's `truth`: the union of all classes' parameters, in order of
    /// first appearance.
    public let truthColumns: [DatasetQuantity]
    /// For each class, the truth column of each of its model parameters.
    let truthColumnOfParameter: [[Int]]
    /// First global sample index of each class, and the total after the last.
    let classStarts: [Int]
    /// When prepared through an instrument registry: the instrument, its folder (single-
    /// spectrum form, for writing responses) and the background counts with their region.
    public internal(set) var instrument: Instrument?
    public internal(set) var folder: ResponseFolder?
    public internal(set) var background: BackgroundCounts?

    /// Binds every class of `scenario` on `observer.modelGrid`.
    /// - Throws: `ScenarioError` naming the line and key of the first problem.
    public init(scenario: Scenario, observer: any CountsObserver, instrumentName: String, exposure: Double,
                backgroundCounts: [Double]?, context: ModelContext) throws(ScenarioError) {
        guard exposure > 0, exposure.isFinite else {
            throw ScenarioError(origin: scenario.origin, line: nil, key: "exposure", message: "must be > 0 s, got \(exposure)")
        }
        if let backgroundCounts, backgroundCounts.count != observer.outputChannels.count {
            throw ScenarioError(origin: scenario.origin, line: nil, key: "background",
                                message: "background has \(backgroundCounts.count) channels but the instrument outputs \(observer.outputChannels.count)")
        }
        var bound: [BoundClass] = []
        for (i, c) in scenario.classes.enumerated() {
            bound.append(try BoundClass(c, position: i + 1, scenario: scenario, context: context, grid: observer.modelGrid))
        }
        var columns: [DatasetQuantity] = []
        var columnIndex: [String: Int] = [:]
        var mapping: [[Int]] = []
        for c in bound {
            mapping.append(zip(c.parameterNames, c.parameterUnits).map { name, unit in
                if let existing = columnIndex[name] { return existing }
                columnIndex[name] = columns.count
                columns.append(DatasetQuantity(name, unit: unit))
                return columns.count - 1
            })
        }
        var starts = [0]
        for c in bound { starts.append(starts.last! + c.count) }
        self.scenario = scenario
        self.classes = bound
        self.observer = observer
        self.instrumentName = instrumentName
        self.exposure = exposure
        self.backgroundCounts = backgroundCounts
        truthColumns = columns
        truthColumnOfParameter = mapping
        classStarts = starts
    }

    /// Total number of samples.
    public var sampleCount: Int { classStarts.last! }

    /// The class of global sample `index`.
    public func classIndex(ofSample index: Int) -> Int {
        var c = 0
        while index >= classStarts[c + 1] { c += 1 }
        return c
    }

    /// The samples of shard `shard` (1-based) of `count`: a contiguous range of indices, so
    /// shards in order concatenate to the whole dataset.
    public func sampleRange(shard: Int, of count: Int) -> Range<Int> {
        let n = sampleCount
        return (n * (shard - 1) / count)..<(n * shard / count)
    }

    /// The dataset description for samples starting at `firstSampleIndex`.
    public func datasetDescription(seed: UInt64, firstSampleIndex: Int, shard: DatasetShard?) -> DatasetDescription {
        DatasetDescription(
            layout: .spectra(observer.outputChannels),
            classes: classes.map { DatasetClass($0.name, isAnomaly: $0.isAnomaly) },
            parameters: truthColumns,
            expected: scenario.storeExpected ? .float32 : nil,
            metadata: DatasetMetadata(scenario: scenario.sourceText, instrument: instrumentName, exposure: exposure,
                                      seed: seed, firstSampleIndex: firstSampleIndex, shard: shard))
    }

    /// Generates the samples with indices in `range` (all of one thread's block) using
    /// `workspace`, in index order.
    public func samples(_ range: Range<Int>, seed: UInt64, workspace: SimulationWorkspace) throws -> [DatasetSample] {
        let bins = observer.modelGrid.count, channels = observer.outputChannels.count
        workspace.reserve(spectra: range.count, bins: bins, channels: channels, classes: classes)
        var parameters: [[Double]] = []
        var classOfSample: [Int] = []
        for (offset, i) in range.enumerated() {
            let c = classIndex(ofSample: i)
            let values = try classes[c].parameters(seed: seed, index: i)
            try workspace.flux.withUnsafeMutableBufferPointer { flux in
                try values.withUnsafeBufferPointer { v in
                    try workspace.evaluators[c].evaluate(v, into: UnsafeMutableBufferPointer(rebasing: flux[(offset * bins)..<((offset + 1) * bins)]))
                }
            }
            parameters.append(values)
            classOfSample.append(c)
        }
        workspace.flux.withUnsafeBufferPointer { flux in
            workspace.expected.withUnsafeMutableBufferPointer { expected in
                observer.expectedCounts(photonFluxes: UnsafeBufferPointer(rebasing: flux[0..<(range.count * bins)]),
                                        spectra: range.count, exposure: exposure,
                                        into: UnsafeMutableBufferPointer(rebasing: expected[0..<(range.count * channels)]))
            }
        }
        var out: [DatasetSample] = []
        out.reserveCapacity(range.count)
        for (offset, i) in range.enumerated() {
            let c = classOfSample[offset]
            var mean = Array(workspace.expected[(offset * channels)..<((offset + 1) * channels)])
            if let backgroundCounts {
                for k in 0..<channels { mean[k] += backgroundCounts[k] }
            }
            if let bad = mean.firstIndex(where: { !$0.isFinite }) {
                throw SimulationError.nonFiniteModel(sample: i, className: classes[c].name, channel: bad)
            }
            var counts = [Int32](repeating: 0, count: channels)
            var stream = RandomStream(seed: seed, purpose: .sourceCounts, index: UInt64(i))
            try mean.withUnsafeBufferPointer { m in
                try counts.withUnsafeMutableBufferPointer { try stream.poisson(means: m, into: $0, workspace: workspace.poisson) }
            }
            var truth = [Double](repeating: .nan, count: truthColumns.count)
            for (j, column) in truthColumnOfParameter[c].enumerated() { truth[column] = parameters[offset][j] }
            out.append(DatasetSample(index: i, values: .counts(counts), expected: scenario.storeExpected ? mean : nil,
                                     label: c, truth: truth))
        }
        return out
    }
}

/// Per-thread buffers for `Simulation.samples`.
public final class SimulationWorkspace {
    var flux: [Double] = []
    var expected: [Double] = []
    var evaluators: [ModelEvaluator] = []
    let poisson = PoissonWorkspace()

    public init() {}

    func reserve(spectra: Int, bins: Int, channels: Int, classes: [BoundClass]) {
        if flux.count < spectra * bins { flux = [Double](repeating: 0, count: spectra * bins) }
        if expected.count < spectra * channels { expected = [Double](repeating: 0, count: spectra * channels) }
        if evaluators.count != classes.count { evaluators = classes.map { $0.model.makeEvaluator() } }
    }
}
