import ArgumentParser
import Foundation
import Perseus

/// `perseus bench fit`: spectral-fit throughput.
///
/// 1. Against Sherpa (`levmar` + `cstat`, measured in the same run on the same spectra): the
///    set-up of ``BenchFitSherpaComparison`` (`wabs*(powerlaw+gaussian)`, 2000 channels, 5 free
///    parameters). Reports fits per second of both on one thread, the ratio, Perseus on two
///    threads, and the largest relative difference between the two programs' best fits.
/// 2. `tbabs*(apec+apec)` fits of the built-in lin2024 scenario's NuSTAR FPMA spectra
///    (``BenchFitLin2024``), on one and two threads.
struct BenchFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Spectral-fit throughput: vs Sherpa levmar + cstat, and tbabs*(apec+apec) on NuSTAR (release build).")

    @Option(help: "Spectra of the Sherpa comparison (each fitted once per timing).")
    var spectra = 100
    @Option(help: "Spectra of the NuSTAR tbabs*(apec+apec) part.")
    var nustarSpectra = 40
    @Option(help: "Timings per side; the fastest is reported.")
    var repeats = 3
    @Flag(help: "Skip the Sherpa peer.")
    var noPeer = false
    @Flag(help: "Only the Sherpa comparison.")
    var sherpaOnly = false
    @Flag(help: "Only the NuSTAR tbabs*(apec+apec) part.")
    var nustarOnly = false
    @Flag(help: "NuSTAR part: fit the redshift too (default: fixed at each spectrum's true value, Lin et al.'s \"z fixed\").")
    var freeRedshift = false
    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard spectra > 0, nustarSpectra > 0, repeats > 0 else { throw ValidationError("--spectra, --nustar-spectra and --repeats must be > 0") }
        if sherpaOnly && nustarOnly { throw ValidationError("--sherpa-only and --nustar-only are exclusive") }
    }

    func run() throws {
        var report: [String: Any] = ["benchmark": "fit"]
        if !nustarOnly { report["sherpa_comparison"] = try runSherpaComparison() }
        if !sherpaOnly { report["nustar_2t"] = try runLin2024() }
        if json { try CommandLineOutput.printJSON(report) }
    }

    func runSherpaComparison() throws -> [String: Any] {
        let bench = try BenchFitSherpaComparison(spectra: spectra)
        let results = try bench.fitAll()
        let (rate, wallRate, twoRate) = try bench.rates(repeats: repeats, threads: 2)
        let evaluations = Double(results.map(\.modelEvaluations).reduce(0, +)) / Double(results.count)
        let iterations = Double(results.map(\.iterations).reduce(0, +)) / Double(results.count)
        var out: [String: Any] = [
            "model": "wabs*(powerlaw+gaussian)", "spectra": spectra, "channels": 2000, "noticed_channels": bench.problems[0].data.count,
            "free_parameters": bench.parameters.freeIndices.count, "statistic": "cstat",
            "timing": "single thread: this thread's CPU time (robust to other processes on the cores), best of repeats; also wall clock; 2 threads: wall clock",
            "perseus_fits_per_second": rate, "perseus_fits_per_second_wall_clock": wallRate, "perseus_2_threads_fits_per_second": twoRate,
            "perseus_iterations_per_fit": iterations, "perseus_model_evaluations_per_fit": evaluations,
        ]
        var peerLine = "skipped (--no-peer)"
        if !noPeer {
            switch try bench.runPeer(repeats: repeats) {
            case let .measured(object):
                let sherpaRate = (object["fits_per_second"] as? Double) ?? .nan
                let sherpaWall = (object["fits_per_second_wall_clock"] as? Double) ?? .nan
                let best = (object["best_fits"] as? [[Double]]) ?? []
                let free = bench.parameters.freeIndices
                var maxRelative = 0.0
                var worst = ""
                for (i, values) in best.enumerated() where i < results.count && values.count == free.count {
                    for (k, index) in free.enumerated() {
                        let a = results[i].values[index], b = values[k]
                        let relative = abs(a - b) / max(abs(b), 1e-300)
                        if relative > maxRelative { maxRelative = relative; worst = "\(bench.parameters.names[index]) of spectrum \(i)" }
                    }
                }
                var statisticExcess = -Double.infinity
                if let stats = object["statistics"] as? [Double] {
                    for (i, s) in stats.enumerated() where i < results.count { statisticExcess = max(statisticExcess, results[i].statistic - s) }
                }
                let transmission = try bench.transmissionDifference((object["transmission_at_half"] as? [Double]) ?? [])
                out["sherpa_fits_per_second"] = sherpaRate
                out["sherpa_fits_per_second_wall_clock"] = sherpaWall
                out["sherpa_version"] = object["sherpa_version"] ?? "?"
                out["sherpa_model_evaluations_per_fit"] = object["evaluations_per_fit"] ?? "?"
                out["speedup_vs_sherpa"] = rate / sherpaRate
                out["max_relative_parameter_difference"] = maxRelative
                out["max_relative_parameter_difference_at"] = worst
                out["max_statistic_excess_over_sherpa"] = statisticExcess
                out["max_wabs_transmission_difference"] = transmission
                peerLine = String(format: "%.3g fits/s, wall clock %.3g (Sherpa %@ levmar + cstat, %@ model evaluations per fit)",
                                  sherpaRate, sherpaWall, "\(object["sherpa_version"] ?? "?")", "\(object["evaluations_per_fit"] ?? "?")")
                peerLine += String(format: "\n  speed-up, 1 thread          %.1f×\n  best fits agree to          %.2g relative (max, %@); Perseus C minus Sherpa's ≤ %.2g; wabs transmissions agree to %.1g",
                                   rate / sherpaRate, maxRelative, worst, statisticExcess, transmission)
            case let .unavailable(reason):
                out["sherpa_unavailable"] = reason
                peerLine = "unavailable: \(reason)"
            }
        }
        if !json {
            print("Fit vs Sherpa: wabs*(powerlaw+gaussian), cstat, 2000 channels (\(bench.problems[0].data.count) noticed, 0.3–10 keV), 5 free parameters, \(spectra) spectra, best of \(repeats)")
            print("  (1 thread: fits per second of this thread's CPU time, robust to other processes sharing the cores; wall clock beside it)")
            print(String(format: "  perseus, 1 thread           %.3g fits/s, wall clock %.3g  (%.1f iterations, %.1f model evaluations per fit)",
                         rate, wallRate, iterations, evaluations))
            print(String(format: "  perseus, 2 threads          %.3g fits/s (wall clock)", twoRate))
            print("  sherpa, 1 thread            \(peerLine)")
        }
        return out
    }

    /// The smallest CPU time [s] of this thread over `repeats` runs of `body`
    /// (CLOCK_THREAD_CPUTIME_ID: time other processes take on the cores is not counted).
    static func bestThreadCPU(of repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = now()
            try body()
            best = min(best, now() - start)
        }
        return best
    }

    func runLin2024() throws -> [String: Any] {
        let bench = try BenchFitLin2024(spectra: nustarSpectra, freeRedshift: freeRedshift)
        let outcome = try bench.measure(repeats: repeats)
        let statuses = outcome.statuses.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        if !json {
            print("NuSTAR FPMA tbabs*(apec+apec) on lin2024 spectra, cstat, \(bench.description), 5\(freeRedshift ? "+1" : "") free parameters, \(nustarSpectra) spectra, best of \(repeats)")
            print(String(format: "  perseus, 1 thread           %.3g fits/s  (%.1f iterations, %.1f model evaluations per fit)",
                         outcome.single, outcome.iterations, outcome.evaluations))
            print(String(format: "  perseus, 2 threads          %.3g fits/s (wall clock)", outcome.parallel))
            print("  outcomes                    \(statuses)")
        }
        return ["setup": bench.description, "spectra": nustarSpectra, "free_redshift": freeRedshift,
                "fits_per_second": outcome.single, "two_threads_fits_per_second": outcome.parallel,
                "iterations_per_fit": outcome.iterations, "model_evaluations_per_fit": outcome.evaluations,
                "statuses": outcome.statuses]
    }
}
