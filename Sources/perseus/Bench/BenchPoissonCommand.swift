import ArgumentParser
import Foundation
import Perseus

/// `perseus bench poisson`: Poisson draws per second on a 2000-channel spectrum whose means span
/// 0.1–1e4 (log-spaced), against NumPy's `Generator.poisson` on the same means in the same run.
struct BenchPoissonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poisson",
        abstract: "Poisson sampler throughput vs numpy.random.Generator.poisson.")

    @Option(help: "Number of channels in the spectrum.")
    var channels = 2000
    @Option(help: "Number of spectra drawn per timing.")
    var spectra = 2000
    @Option(help: "Timings per side; the fastest is reported.")
    var repeats = 5
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard channels > 1, spectra > 0 else { throw ValidationError("--channels must be > 1 and --spectra > 0") }
        let means = (0..<channels).map { 0.1 * pow(1e5, Double($0) / Double(channels - 1)) }
        var counts = [Double](repeating: 0, count: channels)
        let workspace = PoissonWorkspace()
        var checksum = 0.0
        let seconds = try means.withUnsafeBufferPointer { m in
            try counts.withUnsafeMutableBufferPointer { c in
                try BenchSupport.best(of: repeats) {
                    for s in 0..<spectra {
                        var stream = RandomStream(seed: 42, purpose: .testing, index: UInt64(s))
                        try stream.poisson(means: m, into: c, workspace: workspace)
                        checksum += c[s % channels]
                    }
                }
            }
        }
        let draws = Double(channels * spectra)
        let perseusRate = draws / seconds
        // Two threads, each drawing half the spectra with its own workspace (the way `simulate`
        // uses both cores).
        let twoThreadSeconds = BenchSupport.best(of: repeats) {
            DispatchQueue.concurrentPerform(iterations: 2) { thread in
                let workspace = PoissonWorkspace()
                var local = [Double](repeating: 0, count: channels)
                means.withUnsafeBufferPointer { m in
                    local.withUnsafeMutableBufferPointer { c in
                        for s in stride(from: thread, to: spectra, by: 2) {
                            var stream = RandomStream(seed: 42, purpose: .testing, index: UInt64(s))
                            try? stream.poisson(means: m, into: c, workspace: workspace)
                        }
                    }
                }
            }
        }
        let twoThreadRate = draws / twoThreadSeconds

        let peer = BenchSupport.runPeer(script: "poisson_numpy.py",
                                        arguments: ["--channels", "\(channels)", "--spectra", "\(spectra)", "--repeats", "\(repeats)"],
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
        var result: [String: Any] = [
            "benchmark": "poisson",
            "channels": channels, "spectra": spectra,
            "means": "log-spaced 0.1–1e4",
            "perseus_draws_per_second": perseusRate,
            "perseus_seconds": seconds,
            "perseus_2_threads_draws_per_second": twoThreadRate,
        ]
        var ratio: Double?
        switch peer {
        case let .measured(object):
            let numpyRate = (object["draws_per_second"] as? Double) ?? .nan
            ratio = perseusRate / numpyRate
            result["numpy_draws_per_second"] = numpyRate
            result["numpy_version"] = object["numpy_version"] ?? "?"
            result["speedup_vs_numpy"] = ratio
            result["speedup_vs_numpy_2_threads"] = twoThreadRate / numpyRate
        case let .unavailable(reason):
            result["numpy_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("Poisson sampler: \(channels)-channel spectrum, means log-spaced 0.1–1e4, \(spectra) spectra per timing, best of \(repeats)")
            print("  perseus, 1 thread   \(BenchSupport.rate(perseusRate, "draws/s"))")
            print("  perseus, 2 threads  \(BenchSupport.rate(twoThreadRate, "draws/s"))")
            switch peer {
            case let .measured(object):
                let numpyRate = (object["draws_per_second"] as? Double) ?? .nan
                print("  numpy, 1 thread     \(BenchSupport.rate(numpyRate, "draws/s"))  (numpy \(object["numpy_version"] ?? "?"), Generator(PCG64).poisson)")
                print(String(format: "  speed-up vs numpy: %.2f× (1 thread), %.2f× (2 threads)", ratio ?? .nan, twoThreadRate / numpyRate))
            case let .unavailable(reason):
                print("  numpy               unavailable: \(reason)")
            }
        }
        if checksum < 0 { print(checksum) }   // keeps the draws observable to the optimiser
    }
}
