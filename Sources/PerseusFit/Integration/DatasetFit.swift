import Foundation
import PerseusIO
import PerseusPhysics

/// Fitting every spectrum of a Perseus dataset (docs/dataset-schema.md) with one model through
/// one response: the engine of `perseus fit --dataset`.
///
/// Rows are read in blocks, each block is fitted in parallel by a ``BatchFitter`` (one model
/// and workspace per thread), and every sample's outcome — converged or not — becomes a row of
/// the ``FitResultsTable``. Sample i's fit depends only on its counts, the settings and its
/// global sample index (which keys its random restarts), so the table is the same for any
/// number of threads or block size.
public struct DatasetFit: Sendable {
    /// A parameter frozen at each sample's true value, taken from the first of `columns` (truth
    /// column indices) that is not NaN for that sample.
    public struct TruthFix: Sendable, Equatable {
        public var parameter: Int
        public var columns: [Int]

        public init(parameter: Int, columns: [Int]) {
            self.parameter = parameter
            self.columns = columns
        }
    }

    public let reader: DatasetReader
    public let model: Model
    public let parameters: FitParameters
    public let placement: ChannelPlacement
    public let band: BandSelection
    public let grouping: Grouping
    public let statistic: FitStatistic
    public let truthFixes: [TruthFix]
    /// The counts model every worker copies (it shares the response layout).
    public let prototype: ResponseCountsModel

    /// - Parameters:
    ///   - model: the model with its starting values, frozen parameters and links.
    ///   - response: a response whose channels include the dataset's (see ``ChannelPlacement``).
    ///   - exposure: exposure of every sample [s] (the dataset's `exposure` attribute).
    ///   - band: the channels to fit (within the dataset's channels).
    ///   - backgroundCounts: expected background counts per response channel that are part of
    ///     every sample (e.g. the instrument background a simulation added), added to the model
    ///     as a fixed component.
    /// - Throws: ``FitError`` when the dataset is not spectra, its channels do not fit the
    ///   response, the band leaves no channel, or the model cannot be prepared on the response
    ///   grid; ``ModelPreparationError`` from the model.
    public init(reader: DatasetReader, model: Model, response: ResponsePair, exposure: Double, band: BandSelection = .all,
                grouping: Grouping = .none, statistic: FitStatistic = .cstat, truthFixes: [TruthFix] = [],
                backgroundCounts: [Double]? = nil) throws {
        guard let channels = reader.channels else {
            throw FitError.incompatibleResponse(reason: "\(reader.path) holds \(reader.kind.rawValue), not spectra")
        }
        let placement = try ChannelPlacement(channels: channels, matrix: response.matrix, source: reader.path)
        var mask = band.mask(for: placement.energies)
        for c in mask.indices where !placement.channels.contains(c) { mask[c] = false }
        guard let first = mask.firstIndex(of: true), let last = mask.lastIndex(of: true) else {
            throw FitError.emptyBand(spectrum: reader.path, band: band.description)
        }
        for fix in truthFixes {
            guard model.parameters.indices.contains(fix.parameter), fix.columns.allSatisfy({ reader.parameters.indices.contains($0) }) else {
                throw FitError.invalidParameter(name: "\(fix.parameter)", reason: "a truth fix names a parameter or truth column that does not exist")
            }
        }
        self.reader = reader
        self.model = model
        parameters = try FitParameters(model: model)
        self.placement = placement
        self.band = band
        self.grouping = grouping
        self.statistic = statistic
        self.truthFixes = truthFixes
        let compiled = try model.compiled(for: response.matrix.energies)
        prototype = try ResponseCountsModel(model: compiled, response: response, exposure: exposure, channels: first..<(last + 1),
                                            backgroundCounts: backgroundCounts)
    }

    /// The problem of one sample: `counts` (one per dataset channel), `truth` (one per truth
    /// column, for the truth fixes).
    public func problem(counts: ArraySlice<Int32>, truth: ArraySlice<Double>, sampleIndex: Int) throws(FitError) -> FitProblem {
        let name = "sample \(sampleIndex)"
        let data = try FitData(spectrum: placement.spectrum(counts: counts, name: name), band: band, grouping: grouping)
        var parameters = self.parameters
        if !truthFixes.isEmpty {
            var all = parameters.all
            for fix in truthFixes {
                guard let value = fix.columns.lazy.map({ truth[truth.startIndex + $0] }).first(where: { !$0.isNaN }) else {
                    let names = fix.columns.map { reader.parameters[$0].name }.joined(separator: ", ")
                    throw .invalidParameter(name: all[fix.parameter].name, reason: "\(name) has no true value in the truth column(s) \(names)")
                }
                all[fix.parameter].value = value
                all[fix.parameter].isFrozen = true
                all[fix.parameter].link = nil
            }
            parameters = try FitParameters(all)
        }
        return try FitProblem(data: data, statistic: statistic, parameters: parameters)
    }

    /// Fits the samples in `rows` and returns their table (rows in order).
    /// - Parameters:
    ///   - blockSize: rows read and fitted at a time (memory: one block of counts).
    ///   - progress: called with the number of samples done so far (from worker threads, one
    ///     call at a time).
    /// - Throws: only for reading the dataset (`HDF5Error`, `DatasetError`); fit failures are rows.
    public func run(rows: Range<Int>, fitter: BatchFitter, description: FitResultsTable.Description, blockSize: Int = 1024,
                    progress: (@Sendable (Int) -> Void)? = nil) throws -> FitResultsTable {
        let fixed = Set(truthFixes.map(\.parameter))
        let columns = parameters.all.enumerated().map { index, p in
            FitResultsTable.Parameter(name: p.name, unit: model.parameters[index].unit, isFree: p.isFree && !fixed.contains(index),
                                      link: model.parameters[index].link.map { "= \($0)" } ?? "")
        }
        var table = FitResultsTable(description: description, parameters: columns, classNames: reader.classes.map(\.name),
                                    classIsAnomaly: reader.classes.map(\.isAnomaly))
        let width = placement.columnCount, truthWidth = reader.parameters.count
        let prototype = self.prototype
        var start = rows.lowerBound
        while start < rows.upperBound {
            let block = start..<min(rows.upperBound, start + max(1, blockSize))
            let counts = try reader.counts(rows: block)
            let truth = truthFixes.isEmpty ? [] : try reader.truth(rows: block)
            let labels = try reader.labels(rows: block)
            let indices = try reader.sampleIndices(rows: block)
            let offset = block.lowerBound - rows.lowerBound
            let fit = self
            let makeProblem: @Sendable (Int) throws(FitError) -> FitProblem = { i in
                let sampleTruth: ArraySlice<Double> = truthWidth == 0 || truth.isEmpty ? [] : truth[(i * truthWidth)..<((i + 1) * truthWidth)]
                return try fit.problem(counts: counts[(i * width)..<((i + 1) * width)], truth: sampleTruth, sampleIndex: indices[i])
            }
            let key: @Sendable (Int) -> UInt64 = { UInt64(indices[$0]) }
            var report: (@Sendable (Int, Int) -> Void)?
            if let progress { report = { done, _ in progress(offset + done) } }
            let outcomes = fitter.fit(count: block.count, makeModel: { prototype }, problem: makeProblem, sampleIndex: key, progress: report)
            for (i, outcome) in outcomes.enumerated() { table.append(outcome, sampleIndex: indices[i], label: labels[i]) }
            start = block.upperBound
        }
        return table
    }
}
