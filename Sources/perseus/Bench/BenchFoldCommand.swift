import ArgumentParser
import Dispatch
import Foundation
import Perseus

/// `perseus bench fold`: how fast each built-in instrument folds model spectra into expected
/// counts — one spectrum at a time through the sparse runs, and in batches through
/// `BatchFolder` (OpenBLAS dgemm for the dense responses, channel-major sparse blocks of 16
/// spectra for the others; for a dense response the sparse blocks are timed too, the
/// measurement behind `BatchFolder`'s choice). Single-threaded unless OPENBLAS_NUM_THREADS says otherwise.
struct BenchFoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fold",
        abstract: "Response folding speed: single spectrum and batched, per built-in instrument.")

    @Option(help: "Instruments to measure (default: all built-in).")
    var instrument: [String] = []
    @Option(help: "Spectra per batch.")
    var batch = 256
    @Option(help: "Timings per measurement; the fastest is reported.")
    var repeats = 3
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard batch > 0, repeats > 0 else { throw ValidationError("--batch and --repeats must be > 0") }
        let registry = try InstrumentRegistry.standard()
        let names = instrument.isEmpty ? InstrumentRegistry.builtInNames : instrument
        var results: [[String: Any]] = []
        var checksum = 0.0
        for name in names {
            var loaded: Instrument?
            let loadSeconds = try BenchSupport.seconds { loaded = try registry.instrument(named: name) }
            let folder = loaded!.defaultFolder
            let bins = folder.modelBinCount, channels = folder.channelCount
            // A family of power laws on the model grid.
            let fluxes: [[Double]] = try (0..<batch).map { s in
                var model = try Model("powerlaw")
                try model.apply("PhoIndex=\(1.5 + Double(s % 16) * 0.05)"); try model.apply("powerlaw.norm=0.01")
                return try model.compiled(for: folder.modelGrid).evaluate(model.values)
            }
            var out = [Double](repeating: 0, count: channels)
            let singleFolds = max(20, min(2000, 20_000_000 / max(1, folder.storedElementCount)))
            let single = out.withUnsafeMutableBufferPointer { o in
                fluxes[0].withUnsafeBufferPointer { f in
                    BenchSupport.best(of: repeats) {
                        for _ in 0..<singleFolds { folder.expectedCounts(photonFlux: f, exposure: 1e5, into: o) }
                    }
                }
            } / Double(singleFolds)
            checksum += out.reduce(0, +)
            var batchFolder: BatchFolder?
            let prepareSeconds = BenchSupport.seconds { batchFolder = folder.batched() }
            let batched = batchFolder!
            let flat = fluxes.flatMap { $0 }
            let exposures = [Double](repeating: 1e5, count: batch)
            var batchOut = [Double](repeating: 0, count: batch * channels)
            func timeBatch(_ batcher: BatchFolder) throws -> Double {
                let workspace = BatchFoldWorkspace()
                let seconds = try flat.withUnsafeBufferPointer { f in
                    try exposures.withUnsafeBufferPointer { e in
                        try batchOut.withUnsafeMutableBufferPointer { o in
                            try BenchSupport.best(of: repeats) {
                                try batcher.expectedCounts(photonFluxes: f, spectra: batch, exposures: e, into: o, workspace: workspace)
                            }
                        }
                    }
                }
                checksum += batchOut[batchOut.count / 2]
                return seconds
            }
            let batchSeconds = try timeBatch(batched)
            // The sparse blocks promise each spectrum's single-fold counts bit for bit.
            var bitIdentical: Bool?
            if !batched.usesBLAS {
                bitIdentical = try fluxes.indices.allSatisfy { s in
                    try folder.expectedCounts(photonFlux: fluxes[s], exposure: 1e5)
                        .elementsEqual(batchOut[(s * channels)..<((s + 1) * channels)]) { $0.bitPattern == $1.bitPattern }
                }
            }
            // The other path where both are affordable: the sparse blocks for a dense response
            // (for the choice rule of `BatchFolder`); a dense copy of a sparse one would be huge.
            let sparseSeconds = batched.usesBLAS ? try timeBatch(folder.batched(denseThreshold: .infinity)) : batchSeconds
            var result: [String: Any] = [
                "instrument": name, "model_bins": bins, "channels": channels, "stored_elements": folder.storedElementCount,
                "density": Double(folder.storedElementCount) / Double(bins * channels),
                "load_seconds": loadSeconds, "single_fold_microseconds": single * 1e6,
                "batch_path": batched.usesBLAS ? "blas-dgemm" : "sparse-blocks", "batch_prepare_seconds": prepareSeconds,
                "batch_size": batch, "batch_spectra_per_second": Double(batch) / batchSeconds,
                "batch_microseconds_per_spectrum": batchSeconds / Double(batch) * 1e6,
                "sparse_blocks_microseconds_per_spectrum": sparseSeconds / Double(batch) * 1e6,
            ]
            if batched.usesBLAS { result["blas_dgemm_microseconds_per_spectrum"] = batchSeconds / Double(batch) * 1e6 }
            if let bitIdentical { result["batch_bit_identical_to_single_folds"] = bitIdentical }
            results.append(result)
        }
        if json {
            try CommandLineOutput.printJSON(["benchmark": "fold", "repeats": repeats, "openblas_threads": ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "default", "results": results])
        } else {
            print("Folding model spectra into expected counts (best of \(repeats)); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "default")")
            for r in results {
                print(String(format: "  %@: %d model bins × %d channels, %d stored elements (%.1f%%; load %.2f s)", r["instrument"] as! String,
                             r["model_bins"] as! Int, r["channels"] as! Int, r["stored_elements"] as! Int,
                             100 * (r["density"] as! Double), r["load_seconds"] as! Double))
                print(String(format: "    single spectrum %.1f µs;  batch of %d via %@: %.1f µs per spectrum (%.0f spectra/s)",
                             r["single_fold_microseconds"] as! Double, r["batch_size"] as! Int, r["batch_path"] as! String,
                             r["batch_microseconds_per_spectrum"] as! Double, r["batch_spectra_per_second"] as! Double)
                      + ((r["batch_path"] as! String) == "blas-dgemm"
                         ? String(format: " (sparse-blocks would take %.1f µs)", r["sparse_blocks_microseconds_per_spectrum"] as! Double) : "")
                      + ((r["batch_bit_identical_to_single_folds"] as? Bool).map { $0 ? "; bit-identical to single folds" : "; DIFFERS from single folds" } ?? ""))
            }
        }
        if checksum < 0 { print(checksum) }
    }
}
