import Dispatch
import Foundation
import Perseus

/// The Perseus side of `perseus bench fakeit` part A: six ways of producing `spectra` spectra
/// of all 2000 channels, one thread (`evaluate_fold_draw_2t`: two; see ``BenchFakeItCommand``). Spectrum s is always drawn
/// from RandomStream(seed, .sourceCounts, s) with the same expected counts, so the paths
/// produce the same counts.
struct FakeItPerseusTimings {
    /// One way of producing the spectra.
    struct Path {
        let key: String
        let description: String
        let wallSeconds: Double
        let cpuSeconds: Double
        let spectra: Int
        let threads: Int

        var spectraPerSecond: Double { Double(spectra) / wallSeconds }
        var cpuSpectraPerSecond: Double { Double(spectra) / cpuSeconds }

        var json: [String: Any] {
            ["path": key, "description": description, "threads": threads, "wall_s": wallSeconds,
             "cpu_s": cpuSeconds, "cpu_clock": threads == 1 ? "this thread" : "whole process",
             "spectra_per_second": spectraPerSecond, "cpu_spectra_per_second": cpuSpectraPerSecond,
             "microseconds_per_spectrum": wallSeconds / Double(spectra) * 1e6]
        }
    }

    let paths: [Path]
    /// Expected counts in each of the 2000 channels.
    let expected: [Double]
    /// Sum over the spectra of the counts in each channel (from `draw_only`).
    let summedCounts: [Double]
    let spectra: Int
    /// Whether all paths produced identical counts.
    let pathsAgree: Bool
    /// Whether `evaluate_fold_draw_batched`'s expected counts equal the single fold's bit for bit.
    let batchedFoldBitIdentical: Bool
    /// The batched folder's method ("sparse-blocks" or "blas-dgemm").
    let batchedFoldMethod: String

    /// Times each path `repeats` times and keeps the fastest (wall clock) of them.
    init(setup: FakeItBenchSetup, spectra: Int, seed: UInt64, repeats: Int) throws {
        self.spectra = spectra
        let folder = setup.folder, model = setup.model, exposure = FakeItBenchSetup.exposure
        let bins = folder.modelBinCount, channels = folder.channelCount
        let values = model.values
        var evaluator = try model.compiled(for: folder.modelGrid).makeEvaluator()
        var flux = [Double](repeating: 0, count: bins)
        var means = [Double](repeating: 0, count: channels)
        var counts = [Double](repeating: 0, count: channels)
        let workspace = PoissonWorkspace()
        try evaluator.evaluate(values, into: &flux)   // warm-up: first-use table decodes
        var paths: [Path] = []

        func timed(_ key: String, _ description: String, threads: Int = 1, _ body: () throws -> Void) rethrows {
            let clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID
            var best = (wall: Double.infinity, cpu: Double.infinity)
            for _ in 0..<max(1, repeats) {
                let wall0 = BenchSupport.wallSeconds(), cpu0 = Self.cpuSeconds(clock)
                try body()
                let cpu = Self.cpuSeconds(clock) - cpu0, wall = BenchSupport.wallSeconds() - wall0
                if wall < best.wall { best = (wall, cpu) }
            }
            paths.append(Path(key: key, description: description, wallSeconds: best.wall, cpuSeconds: best.cpu, spectra: spectra, threads: threads))
        }
        func add(_ counts: [Double], to totals: inout [Double]) {
            for c in totals.indices { totals[c] += counts[c] }
        }

        let compiled = try model.compiled(for: folder.modelGrid)
        let batchFolder = folder.batched()
        let block = Self.batchBlock
        let makeWorker: @Sendable () -> FakeItWorker = {
            FakeItWorker(compiled: compiled, values: values, folder: folder, batchFolder: batchFolder,
                         exposure: exposure, seed: seed, block: block)
        }
        var worker = makeWorker()

        // Like Sherpa's fake_pha: evaluate, fold and draw for every spectrum.
        try timed("evaluate_fold_draw", "per spectrum: evaluate the model, fold through RMF×ARF×exposure, draw Poisson (as fake_pha)") {
            worker.reset()
            for s in 0..<spectra { try worker.simulate(spectrum: s) }
        }
        let foldEachTotals = worker.totals

        // As fake_pha, but the fold of a block of spectra in one pass over the matrix: every
        // spectrum evaluated on its own into its row of the block, the block folded by the
        // batched folder (the matrix streamed once per block), then every spectrum drawn from its
        // own stream. Same expected counts (bit-identical on the sparse path), so the same counts.
        try timed("evaluate_fold_draw_batched", "per spectrum evaluate and draw as fake_pha; fold \(block) spectra at a time in one pass over the matrix (\(batchFolder.usesBLAS ? "BLAS dgemm" : "channel-major sparse SIMD blocks"))") {
            worker.reset()
            for first in stride(from: 0, to: spectra, by: block) {
                try worker.simulate(block: first, lanes: min(block, spectra - first))
            }
        }
        let batchedTotals = worker.totals

        // Every spectrum has the same model values, so every row of the last block must equal the
        // single fold's expected counts (bit for bit on the sparse path).
        var singleMeans = [Double](repeating: 0, count: channels)
        try evaluator.evaluate(values, into: &flux)
        flux.withUnsafeBufferPointer { f in
            singleMeans.withUnsafeMutableBufferPointer { m in folder.expectedCounts(photonFlux: f, exposure: exposure, into: m) }
        }
        let lastBlock = spectra == 0 ? 0 : (spectra - 1) % block + 1
        batchedFoldBitIdentical = (0..<lastBlock).allSatisfy { s in
            worker.blockMeans[(s * channels)..<((s + 1) * channels)].elementsEqual(singleMeans) { $0.bitPattern == $1.bitPattern }
        }
        batchedFoldMethod = batchFolder.usesBLAS ? "blas-dgemm" : "sparse-blocks"

        // The same two paths on two threads, each with its own worker, as `perseus simulate` uses
        // both cores: spectrum s on thread s mod 2, or block b on thread b mod 2.
        var twoThreadTotals: [Double] = []
        try timed("evaluate_fold_draw_2t", "as evaluate_fold_draw, spectra shared between 2 threads", threads: 2) {
            twoThreadTotals = try Self.onTwoThreads("evaluate_fold_draw_2t", channels: channels, makeWorker) { worker, thread in
                for s in stride(from: thread, to: spectra, by: 2) { try worker.simulate(spectrum: s) }
            }
        }
        var batchedTwoThreadTotals: [Double] = []
        try timed("evaluate_fold_draw_batched_2t", "as evaluate_fold_draw_batched, blocks shared between 2 threads", threads: 2) {
            batchedTwoThreadTotals = try Self.onTwoThreads("evaluate_fold_draw_batched_2t", channels: channels, makeWorker) { worker, thread in
                for first in stride(from: thread * block, to: spectra, by: 2 * block) {
                    try worker.simulate(block: first, lanes: min(block, spectra - first))
                }
            }
        }

        // A fixed model: evaluate and fold once, then only draw.
        var drawTotals = [Double](repeating: 0, count: channels)
        try timed("draw_only", "evaluate and fold once, then per spectrum draw Poisson") {
            drawTotals = [Double](repeating: 0, count: channels)
            try evaluator.evaluate(values, into: &flux)
            flux.withUnsafeBufferPointer { f in
                means.withUnsafeMutableBufferPointer { m in folder.expectedCounts(photonFlux: f, exposure: exposure, into: m) }
            }
            try means.withUnsafeBufferPointer { m in
                try counts.withUnsafeMutableBufferPointer { c in
                    for s in 0..<spectra {
                        var stream = RandomStream(seed: seed, purpose: .sourceCounts, index: UInt64(s))
                        try stream.poisson(means: m, into: c, workspace: workspace)
                        for k in 0..<channels { drawTotals[k] += c[k] }
                    }
                }
            }
        }
        expected = means

        // The library's one-call fakeit.
        var simulateTotals = [Double](repeating: 0, count: channels)
        try timed("fakeit_simulate", "per spectrum: FakeIt.simulate (compiles the model, evaluates, folds, draws; allocates)") {
            simulateTotals = [Double](repeating: 0, count: channels)
            for s in 0..<spectra {
                let result = try FakeIt.simulate(model: model, folder: folder, exposure: exposure,
                                                 options: FakeIt.Options(seed: seed, index: UInt64(s)))
                add(result.counts, to: &simulateTotals)
            }
        }
        // The same one call with the model compiled once for the grid (the loop form of the API).
        var compiledTotals = [Double](repeating: 0, count: channels)
        try timed("fakeit_simulate_compiled", "per spectrum: FakeIt.simulate(compiled:) (model prepared once; evaluates, folds, draws; allocates)") {
            compiledTotals = [Double](repeating: 0, count: channels)
            for s in 0..<spectra {
                let result = try FakeIt.simulate(compiled: compiled, values: values, folder: folder, exposure: exposure,
                                                 options: FakeIt.Options(seed: seed, index: UInt64(s)))
                add(result.counts, to: &compiledTotals)
            }
        }
        self.paths = paths
        summedCounts = drawTotals
        pathsAgree = drawTotals == foldEachTotals && drawTotals == simulateTotals && drawTotals == twoThreadTotals
            && drawTotals == compiledTotals && drawTotals == batchedTotals && drawTotals == batchedTwoThreadTotals
    }

    /// Spectra per fold in `evaluate_fold_draw_batched` (the sparse kernel's widest block).
    static let batchBlock = 16

    /// Runs `body(worker, thread)` on two threads, each with its own worker from `makeWorker`,
    /// and returns the sum of their totals.
    static func onTwoThreads(_ label: String, channels: Int, _ makeWorker: @Sendable () -> FakeItWorker,
                             _ body: @Sendable (inout FakeItWorker, Int) throws -> Void) throws -> [Double] {
        let perThread = ThreadTotals(threads: 2, channels: channels)
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            var worker = makeWorker()
            do {
                try body(&worker, thread)
                perThread.store(worker.totals, thread: thread)
            } catch {
                perThread.fail("\(error)")
            }
        }
        if let failure = perThread.failure { throw BenchFailure(message: "\(label): \(failure)") }
        return perThread.sum()
    }

    static func cpuSeconds(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
    }

    /// Per-thread channel totals of the two-thread path (each thread writes only its own slot).
    final class ThreadTotals: @unchecked Sendable {
        private let lock = NSLock()
        private var totals: [[Double]]
        private(set) var failure: String?

        init(threads: Int, channels: Int) {
            totals = Array(repeating: [Double](repeating: 0, count: channels), count: threads)
        }

        func store(_ values: [Double], thread: Int) {
            lock.lock(); defer { lock.unlock() }
            totals[thread] = values
        }

        func fail(_ message: String) {
            lock.lock(); defer { lock.unlock() }
            failure = failure ?? message
        }

        func sum() -> [Double] {
            lock.lock(); defer { lock.unlock() }
            var result = totals[0]
            for t in totals.dropFirst() { for c in result.indices { result[c] += t[c] } }
            return result
        }
    }

    func path(_ key: String) -> Path? { paths.first { $0.key == key } }
}
