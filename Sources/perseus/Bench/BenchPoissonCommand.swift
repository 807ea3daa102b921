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
        var checksum = 0.0
        let seconds = means.withUnsafeBufferPointer { m in
            counts.withUnsafeMutableBufferPointer { c in
                BenchSupport.best(of: repeats) {
                    for s in 0..<spectra {
                        var stream = RandomStream(seed: 42, purpose: .testing, index: UInt64(s))
                        stream.poisson(means: m, into: c)
                        checksum += c[s % channels]
                    }
                }
            }
        }
        let draws = Double(channels * spectra)
        let perseusRate = draws / seconds

        let peer = BenchSupport.runPeer(script: "poisson_numpy.py",
                                        arguments: ["--channels", "\(channels)", "--spectra", "\(spectra)", "--repeats", "\(repeats)"],
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
        var result: [String: Any] = [
            "benchmark": "poisson",
            "channels": channels, "spectra": spectra,
            "means": "log-spaced 0.1–1e4",
            "perseus_draws_per_second": perseusRate,
            "perseus_seconds": seconds,
            "threads": 1,
        ]
        var ratio: Double?
        switch peer {
        case let .measured(object):
            let numpyRate = (object["draws_per_second"] as? Double) ?? .nan
            ratio = perseusRate / numpyRate
            result["numpy_draws_per_second"] = numpyRate
            result["numpy_version"] = object["numpy_version"] ?? "?"
            result["speedup_vs_numpy"] = ratio
        case let .unavailable(reason):
            result["numpy_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("Poisson sampler: \(channels)-channel spectrum, means log-spaced 0.1–1e4, \(spectra) spectra per timing, best of \(repeats), 1 thread")
            print("  perseus  \(BenchSupport.rate(perseusRate, "draws/s"))")
            switch peer {
            case let .measured(object):
                print("  numpy    \(BenchSupport.rate((object["draws_per_second"] as? Double) ?? .nan, "draws/s"))  (numpy \(object["numpy_version"] ?? "?"), Generator(PCG64).poisson)")
                print(String(format: "  speed-up %.2f×", ratio ?? .nan))
            case let .unavailable(reason):
                print("  numpy    unavailable: \(reason)")
            }
        }
        if checksum < 0 { print(checksum) }   // keeps the draws observable to the optimiser
    }
}
