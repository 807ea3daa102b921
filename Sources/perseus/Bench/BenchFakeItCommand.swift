import ArgumentParser
import Foundation
import Perseus

/// `perseus bench fakeit`: the speed figures of issue 4.
///
/// **A. Perseus vs Sherpa's `fake_pha`** on the set-up of ``FakeItBenchSetup`` (2000-channel
/// Gaussian RMF, analytic ARF, `wabs*(powerlaw+gaussian)`, 2.5 ks), `--spectra` spectra, single
/// thread on both sides (one Perseus path also on two), Sherpa measured in the same run
/// (`Benchmarks/fakeit_sherpa.py`). Sherpa's
/// `fake_pha` evaluates the model (its components are cached at unchanged parameters), folds it
/// through the RMF and ARF and draws Poisson counts for all 2000 channels at every call. Perseus
/// is timed six ways, each producing the same `--spectra` spectra of all 2000 channels from the
/// streams (seed, source counts, spectrum index):
/// - `evaluate_fold_draw`: per spectrum, evaluate the model (a `ModelEvaluator`, components cached
///   at unchanged parameters as in Sherpa), fold it and draw — the same work as `fake_pha`;
/// - `evaluate_fold_draw_batched`: the same work per spectrum (each spectrum evaluated on its own
///   and drawn from its own stream), but the fold done for blocks of 16 spectra at once by
///   `BatchFolder`, which streams the matrix once per block instead of once per spectrum;
/// - `evaluate_fold_draw_2t`: `evaluate_fold_draw` shared between two threads (Sherpa's loop has one);
/// - `evaluate_fold_draw_batched_2t`: `evaluate_fold_draw_batched` with the blocks shared between two
///   threads — how `perseus simulate` runs (Sherpa's loop has one thread);
/// - `draw_only`: evaluate and fold once (timed), then draw per spectrum — what a user of the
///   library does for a fixed model;
/// - `fakeit_simulate`: `FakeIt.simulate` per spectrum — the library's one-call fakeit, which
///   compiles the model for the grid, evaluates, folds and allocates its results each call;
/// - `fakeit_simulate_compiled`: the same with the model compiled once.
/// Each path and each Sherpa loop is timed `--repeats` times, and the Sherpa peer runs before and
/// after the Perseus timings; the fastest is reported (the machine may be shared). Checks: Perseus's expected counts against Sherpa's per channel, and the mean of the Perseus
/// spectra against the expected counts (totals over the noticed channels, and a Pearson χ² test).
///
/// **B. `perseus simulate`** of the built-in scenarios (see ``BenchSimulateRuns``).
struct BenchFakeItCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fakeit",
        abstract: "fakeit speed vs Sherpa's fake_pha, and perseus simulate wall time and memory (release build).")

    @Option(help: "Spectra simulated on each side.")
    var spectra = 1000
    @Option(help: "Timings of each path on each side; the fastest is reported.")
    var repeats = 3
    @Option(help: "Seed of the Perseus streams (the Sherpa peer uses its own generator seeded with it).")
    var seed: UInt64 = 1
    @Option(help: "Built-in scenarios simulated in part B (repeatable; default lin2024 and ichinohe2019).")
    var scenario: [String] = []
    @Option(help: "Threads of the simulate runs.")
    var threads = 2
    @Flag(help: "Skip part B (the perseus simulate runs).")
    var skipSimulate = false
    @Flag(help: "Skip the Sherpa peer.")
    var skipSherpa = false
    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard spectra > 0, threads > 0, repeats > 0 else { throw ValidationError("--spectra, --repeats and --threads must be > 0") }
    }

    func run() throws {
        let setup = try FakeItBenchSetup()
        // Sherpa runs before and after the Perseus timings and the faster run counts, so a burst
        // of load from other processes during one of them does not decide the ratio.
        let before: BenchSupport.PeerResult = skipSherpa ? .unavailable("skipped (--skip-sherpa)") : try runSherpa(setup)
        let perseus = try FakeItPerseusTimings(setup: setup, spectra: spectra, seed: seed, repeats: repeats)
        var peer = before
        if case let .measured(first) = before, case let .measured(second) = try runSherpa(setup),
           ((second["ui_fake_pha_wall_s"] as? Double) ?? .infinity) < ((first["ui_fake_pha_wall_s"] as? Double) ?? .infinity) {
            peer = .measured(second)
        }
        let checks = FakeItChecks(setup: setup, perseus: perseus, peer: peer)
        var simulations: [BenchSimulateRuns.Comparison] = []
        if !skipSimulate {
            let runner = BenchSimulateRuns(threads: threads)
            for name in scenario.isEmpty ? ["lin2024", "ichinohe2019"] : scenario {
                simulations.append(try runner.compare(scenario: name))
            }
        }
        let report = FakeItReport(setup: setup, spectra: spectra, repeats: repeats, perseus: perseus, peer: peer, checks: checks,
                                  simulations: simulations, simulateSkipped: skipSimulate)
        if json { try CommandLineOutput.printJSON(report.json) } else { report.printTable() }
    }

    func runSherpa(_ setup: FakeItBenchSetup) throws -> BenchSupport.PeerResult {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-bench-fakeit-\(ProcessInfo.processInfo.processIdentifier).json")
        try JSONSerialization.data(withJSONObject: try setup.peerSetup()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return BenchSupport.runPeer(script: "fakeit_sherpa.py",
                                    arguments: ["--setup", file.path, "--spectra", "\(spectra)", "--seed", "\(seed)", "--repeats", "\(repeats)"],
                                    environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
    }
}
