import Foundation

/// The outcome of one sample in a batch: a result or the reason there is none.
public typealias SampleFit = Result<FitResult, FitError>

/// One sample of a batch with its optional confidence intervals.
public struct BatchFitOutcome: Sendable {
    public let fit: SampleFit
    /// Present when intervals were requested and the fit succeeded.
    public let intervals: ConfidenceIntervalReport?

    /// How the fit ended.
    public var status: FitStatus { FitStatus(fit) }
}

/// Fits many spectra in parallel, deterministically per sample.
///
/// Workers (threads) each own a model made by `makeModel` and a ``FitWorkspace``, and take
/// samples in blocks from a shared counter. Sample i's result depends only on sample i's problem,
/// the options and i (which keys its multi-start streams), so the output is the same for any
/// number of threads and any scheduling.
///
/// The dataset store (HDF5) lives elsewhere: this type takes a problem factory, and the caller
/// writes the outcomes.
public struct BatchFitter: Sendable {
    public var fitter: Fitter
    /// Worker threads (≥ 1).
    public var threads: Int
    /// Confidence intervals to compute per sample, if any.
    public var intervals: ConfidenceIntervalOptions?
    /// Samples a worker takes at a time.
    public var blockSize: Int = 4

    public init(options: FitOptions = FitOptions(), threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                intervals: ConfidenceIntervalOptions? = nil) {
        fitter = Fitter(options: options)
        self.threads = max(1, threads)
        self.intervals = intervals
    }

    /// Fits samples `0..<count`.
    /// - Parameters:
    ///   - makeModel: builds one model per worker (e.g. a new evaluator of a shared compiled model).
    ///   - problem: the problem of sample i (its data, statistic, starting parameters). A thrown
    ///     ``FitError`` becomes that sample's outcome.
    ///   - sampleIndex: the index that keys sample i's multi-start streams (default i); give
    ///     the samples' global indices when fitting a dataset in parts, so each sample's result
    ///     does not depend on how the dataset was split.
    ///   - progress: called after each sample with (samples done, total), from worker threads,
    ///     one call at a time.
    public func fit<Model: CountsModel & SendableMetatype>(count: Int, makeModel: @escaping @Sendable () -> Model,
                                        problem: @escaping @Sendable (Int) throws(FitError) -> FitProblem,
                                        sampleIndex: (@Sendable (Int) -> UInt64)? = nil,
                                        progress: (@Sendable (Int, Int) -> Void)? = nil) -> [BatchFitOutcome] {
        guard count > 0 else { return [] }
        let storage = OutcomeStorage(count: count)
        let fitter = self.fitter
        let intervals = self.intervals
        let block = max(1, blockSize)
        let workers = min(threads, (count + block - 1) / block)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var model = makeModel()
            let workspace = FitWorkspace()
            while let range = storage.nextBlock(of: block) {
                for i in range {
                    let key = sampleIndex?(i) ?? UInt64(i)
                    let outcome: BatchFitOutcome
                    do throws(FitError) {
                        let p = try problem(i)
                        let result = try fitter.fit(p, model: &model, workspace: workspace, sampleIndex: key)
                        var report: ConfidenceIntervalReport?
                        if let intervals {
                            report = try? fitter.confidenceIntervals(around: result, problem: p, model: &model, options: intervals,
                                                                     workspace: workspace, sampleIndex: key)
                        }
                        outcome = BatchFitOutcome(fit: .success(report?.fit ?? result), intervals: report)
                    } catch {
                        outcome = BatchFitOutcome(fit: .failure(error), intervals: nil)
                    }
                    let done = storage.store(outcome, at: i)
                    if let progress { storage.report { progress(done, count) } }
                }
            }
        }
        return storage.outcomes()
    }
}

/// Shared state of a batch: the next unassigned sample and the results (each slot written once).
private final class OutcomeStorage: @unchecked Sendable {
    private let lock = NSLock()
    private let progressLock = NSLock()
    private var next = 0
    private var done = 0
    private let count: Int
    private var slots: [BatchFitOutcome?]

    init(count: Int) {
        self.count = count
        slots = [BatchFitOutcome?](repeating: nil, count: count)
    }

    func nextBlock(of size: Int) -> Range<Int>? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        let range = next..<min(count, next + size)
        next = range.upperBound
        return range
    }

    func store(_ outcome: BatchFitOutcome, at index: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = outcome
        done += 1
        return done
    }

    func report(_ body: () -> Void) {
        progressLock.lock()
        defer { progressLock.unlock() }
        body()
    }

    func outcomes() -> [BatchFitOutcome] { slots.map { $0! } }
}
