import ArgumentParser
import Foundation
import Perseus

/// `perseus bench ionization`: time of the NEI ion fractions at a new (kT, τ) for a whole set of
/// elements (what a `tbabs*nei` evaluation at new parameters needs), against NumPy/LAPACK
/// (`numpy.linalg.eig` + `solve` per element, the eigenvector method AtomDB and pyatomdb use)
/// on the same rates in the same run.
struct BenchIonizationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ionization",
        abstract: "NEI solver time per (kT, tau) for all elements vs numpy.linalg.eig.")

    @Option(help: "Number of random (kT, tau) points per timing.")
    var points = 400
    @Option(help: "Timings per side; the fastest is reported.")
    var repeats = 5
    @Flag(help: "Only the 13 elements of XSPEC's vnei (H, He, C, N, O, Ne, Mg, Si, S, Ar, Ca, Fe, Ni) instead of all 30.")
    var vnei = false
    @Flag(help: "Skip the NumPy peer (time Perseus only).")
    var skipPeer = false
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard points > 0 else { throw ValidationError("--points must be > 0") }
        let elements = vnei ? ChemicalElement.xspecVNEI : ChemicalElement.all
        let solver = try IonizationSolver()
        // Ichinohe & Yamada (2019)'s NEI range: kT 1–10 keV, τ 1e9–1e11 s cm⁻³, log-uniform.
        var stream = RandomStream(seed: 7, purpose: .testing, index: 0)
        let kTs = (0..<points).map { _ in pow(10, stream.uniform()) }
        let taus = (0..<points).map { _ in pow(10, 9 + 2 * stream.uniform()) }
        var output = IonFractions(elements: elements)
        var checksum = 0.0

        // New kT and τ every time: decomposition + evaluation. Timed by this thread's CPU time
        // (the fastest of `repeats`), which other processes on a shared machine disturb less
        // than wall-clock time.
        let full = try Self.bestCPUTime(of: repeats) {
            for i in 0..<points {
                let modes = try solver.modes(kT: kTs[i], elements: elements)
                try modes.fractions(tau: taus[i], into: &output)
                checksum += output.values[output.values.count - 1]
            }
        } / Double(points)
        // Same kT, new τ: evaluation only.
        let cached = try solver.modes(kT: kTs[0], elements: elements)
        let evaluation = try Self.bestCPUTime(of: repeats) {
            for i in 0..<points {
                try cached.fractions(tau: taus[i], into: &output)
                checksum += output.values[0]
            }
        } / Double(points)

        // Peer: the same rates, numpy.linalg.eig + solve per element.
        let peerPoints = skipPeer ? 0 : min(points, 100)
        var cases: [[String: Any]] = []
        var ours: [[Double]] = []
        for i in 0..<peerPoints {
            let modes = try solver.modes(kT: kTs[i], elements: elements)
            var rates: [[String: [Double]]] = []
            for e in elements {
                let (s, a) = try modes.rates(of: e)
                rates.append(["S": s, "a": a])
            }
            cases.append(["tau": taus[i], "rates": rates])
            ours.append(try modes.fractions(tau: taus[i]).values)
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-bench-ionization-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let peer = skipPeer ? .unavailable("skipped (--skip-peer)") :
            BenchSupport.runPeer(script: "ionization_numpy.py",
                                 arguments: ["--input", input.path, "--repeats", "\(repeats)"],
                                 environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])

        var result: [String: Any] = [
            "benchmark": "ionization",
            "elements": elements.count,
            "points": points,
            "kT_range_keV": [1, 10], "tau_range": [1e9, 1e11],
            "perseus_microseconds_new_kT_and_tau": full * 1e6,
            "perseus_microseconds_new_tau_only": evaluation * 1e6,
            "threads": 1,
        ]
        var numpyMicroseconds: Double?
        var maxDifference: Double?
        switch peer {
        case let .measured(object):
            numpyMicroseconds = (object["microseconds_per_point"] as? Double)
            if let theirs = object["fractions"] as? [[Double]] {
                var d = 0.0
                for (a, b) in zip(ours, theirs) { for (x, y) in zip(a, b) { d = max(d, abs(x - y)) } }
                maxDifference = d
            }
            result["numpy_microseconds_per_point"] = numpyMicroseconds ?? .nan
            result["numpy_version"] = object["numpy_version"] ?? "?"
            result["max_abs_difference_vs_numpy"] = maxDifference ?? .nan
        case let .unavailable(reason):
            result["numpy_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("NEI ion fractions, \(elements.count) elements, kT log-uniform 1–10 keV, tau log-uniform 1e9–1e11 s cm^-3, best of \(repeats), 1 thread (thread CPU time)")
            print(String(format: "  perseus  %.1f µs per new (kT, tau)   %.1f µs per new tau at a cached kT", full * 1e6, evaluation * 1e6))
            switch peer {
            case let .measured(object):
                print(String(format: "  numpy    %.1f µs per (kT, tau)  (numpy %@, linalg.eig + solve per element, rates given)",
                             numpyMicroseconds ?? .nan, "\(object["numpy_version"] ?? "?")"))
                print(String(format: "  speed-up %.1f×; largest |Δ fraction| vs numpy over %d points: %.1e",
                             (numpyMicroseconds ?? .nan) / (full * 1e6), peerPoints, maxDifference ?? .nan))
            case let .unavailable(reason):
                print("  numpy    unavailable: \(reason)")
            }
        }
        if checksum < 0 { print(checksum) }   // keeps the work observable to the optimiser
    }

    /// The smallest CPU time [s] of this thread over `repeats` runs of `body`.
    static func bestCPUTime(of repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = cpu()
            try body()
            best = min(best, cpu() - start)
        }
        return best
    }
}
