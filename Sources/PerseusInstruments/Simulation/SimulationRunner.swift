import Foundation
import PerseusCore
import PerseusIO

/// Runs a `Simulation` into an HDF5 dataset: blocks of consecutive samples handed out in
/// increasing order to worker threads, written in index order through a reorder buffer, so
/// memory stays flat for any number of samples and the file does not depend on the thread
/// count. The dataset appears only when complete (temporary name, then rename).
public struct SimulationRunner: Sendable {
    public let simulation: Simulation
    /// Samples per block handed to a thread (folded together where the observer batches).
    public var blockSize: Int = 32

    public init(simulation: Simulation) { self.simulation = simulation }

    /// Progress: samples done and the total for this run.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void
    /// Receives every sample as it is made (from worker threads, in any order), e.g. to write it
    /// as a PHA file too. An error stops the run like any other.
    public typealias SampleSink = @Sendable (DatasetSample) throws -> Void

    /// Writes the samples of `shard` (1-based index, count; nil for all) to `path`.
    /// - Throws: `ScenarioError`/`SimulationError`/`DatasetError`/`OutputError`; on any error no
    ///   file appears at `path`.
    public func run(to path: String, seed: UInt64, threads: Int = 1, shard: (index: Int, count: Int)? = nil,
                    overwrite: Bool = false, progress: Progress? = nil, sink: SampleSink? = nil) throws -> DatasetSummary {
        let range: Range<Int>
        var datasetShard: DatasetShard?
        if let shard {
            guard shard.count >= 1, (1...shard.count).contains(shard.index) else {
                throw SimulationError.invalidShard("\(shard.index)/\(shard.count)")
            }
            range = simulation.sampleRange(shard: shard.index, of: shard.count)
            datasetShard = DatasetShard(index: shard.index - 1, count: shard.count)
        } else {
            range = 0..<simulation.sampleCount
        }
        let description = simulation.datasetDescription(seed: seed, firstSampleIndex: range.lowerBound, shard: datasetShard)
        let writer = OrderedDatasetWriter(try DatasetWriter(path: path, description: description, overwrite: overwrite))
        let state = RunState(next: range.lowerBound)
        let block = max(1, blockSize)
        let workers = max(1, min(threads, (range.count + block - 1) / block))
        let simulation = self.simulation
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let workspace = SimulationWorkspace()
            while let start = state.take(block, limit: range.upperBound) {
                do {
                    let samples = try simulation.samples(start..<min(start + block, range.upperBound), seed: seed, workspace: workspace)
                    for sample in samples {
                        try sink?(sample)
                        try writer.submit(sample)
                    }
                    let done = state.finished(samples.count)
                    progress?(done, range.count)
                } catch {
                    state.fail(error)
                    return
                }
            }
        }
        if let error = state.failure {
            writer.cancel()
            throw error
        }
        return try writer.finish()
    }

    /// Shared between workers: the next block to hand out, samples done, the first error.
    final class RunState: @unchecked Sendable {
        private let lock = NSLock()
        private var next: Int
        private var done = 0
        private var firstError: (any Error)?

        init(next: Int) { self.next = next }

        func take(_ count: Int, limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard firstError == nil, next < limit else { return nil }
            defer { next += count }
            return next
        }

        func finished(_ count: Int) -> Int {
            lock.lock(); defer { lock.unlock() }
            done += count
            return done
        }

        func fail(_ error: any Error) {
            lock.lock(); defer { lock.unlock() }
            if firstError == nil { firstError = error }
        }

        var failure: (any Error)? {
            lock.lock(); defer { lock.unlock() }
            return firstError
        }
    }
}
