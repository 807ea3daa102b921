import Foundation

/// A thread-safe front for a `DatasetWriter` that accepts samples from many producer threads in
/// any order and writes them in index order (a reorder buffer).
///
/// `submit` may be called concurrently. A sample whose index is the next one due is written at
/// once, followed by every consecutive sample already waiting; others wait in memory. Memory is
/// therefore bounded by how far the other producers run ahead of the one computing the next
/// sample due, not by N: hand out indices in increasing order (e.g. from a shared counter), so
/// the samples waiting are those finished while one sample was being made. `peakPending`
/// reports the most that ever waited.
///
/// Writing happens on the submitting thread while holding the writer's lock. After any error
/// (a sample that does not fit, a failed write) the writer refuses further samples, because
/// the gap can no longer be filled, and rethrows that error.
public final class OrderedDatasetWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let writer: DatasetWriter
    private var pending: [Int: DatasetSample] = [:]
    private var failure: (any Error)?
    private var peak = 0

    /// Takes over `writer`; use only this object from now on.
    public init(_ writer: DatasetWriter) {
        self.writer = writer
    }

    /// Destination path of the dataset.
    public var path: String { writer.path }

    /// Samples written or buffered by the underlying writer, in order.
    public var sampleCount: Int { locked { writer.sampleCount } }

    /// Samples currently waiting for a lower index.
    public var pendingCount: Int { locked { pending.count } }

    /// The most samples that were waiting at once.
    public var peakPending: Int { locked { peak } }

    /// Hands over one sample, from any thread, in any order.
    /// - Throws: `DatasetError.duplicateIndex` for an index already submitted or written,
    ///   `.outOfOrder` for an index below the first, any error of `DatasetWriter.append`, or
    ///   the error that stopped the writer earlier.
    public func submit(_ sample: DatasetSample) throws {
        try locked { () throws in
            if let failure { throw failure }
            let first = writer.description.metadata.firstSampleIndex
            guard sample.index >= first else {
                throw DatasetError.outOfOrder(path: writer.path, expected: writer.nextIndex, received: sample.index)
            }
            guard sample.index >= writer.nextIndex, pending[sample.index] == nil else {
                throw DatasetError.duplicateIndex(path: writer.path, index: sample.index)
            }
            pending[sample.index] = sample
            peak = max(peak, pending.count)
            while let next = pending.removeValue(forKey: writer.nextIndex) {
                do {
                    try writer.append(next)
                } catch {
                    failure = error
                    pending.removeAll()
                    writer.cancel()
                    throw error
                }
            }
        }
    }

    /// Finishes the dataset (see `DatasetWriter.finish()`).
    /// - Throws: `DatasetError.incomplete` if samples are still waiting for a missing index (the
    ///   partial file is removed), or the error that stopped the writer earlier.
    public func finish() throws -> DatasetSummary {
        try locked { () throws -> DatasetSummary in
            if let failure { throw failure }
            guard pending.isEmpty else {
                let error = DatasetError.incomplete(path: writer.path, missingIndex: writer.nextIndex, waiting: pending.count)
                failure = error
                pending.removeAll()
                writer.cancel()
                throw error
            }
            return try writer.finish()
        }
    }

    /// Abandons the dataset; no file appears.
    public func cancel() {
        locked {
            pending.removeAll()
            writer.cancel()
        }
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
