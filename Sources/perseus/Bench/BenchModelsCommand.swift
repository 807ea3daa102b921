import ArgumentParser
import Foundation
import Perseus

/// `perseus bench models`: the cost of evaluating spectral models, the one benchmark for model
/// speed. Single thread, release build, through the model expression machinery exactly as a
/// simulation uses it (`Model` → `CompiledModel` → `ModelEvaluator`), with new parameter values
/// at every call so no cache helps.
///
/// The four headline figures and their targets:
/// - `tbabs*apec` on the Hitomi SXS grid, 1.8–9 keV at 1 eV (7200 bins), a new kT (and abundance,
///   z, norm) each call, nH = 0.138 fixed (Ichinohe & Yamada 2019): ≤ 100 µs;
/// - `tbabs*(apec+apec)` on the NuSTAR grid, 1.6–165.44 keV at 0.04 keV (4096 bins), new
///   temperatures, norms, linked abundance and redshift each call, nH = 0.00858 (Lin et al.
///   2024): ≤ 200 µs;
/// - `tbabs*nei` on the SXS grid at a new (kT, τ) each call, τ log-uniform in 1e9–1e11 s cm⁻³:
///   ≤ 1 ms;
/// - loading the embedded tables (AtomDB compact table and ionisation rates), measured in a
///   fresh `perseus` process so the one-time decode really happens: ≤ 1 s.
///
/// Besides: per-component figures (tbabs, powerlaw, gaussian, lorentz, cutoffpl, bremss, apec,
/// nei, the expression overhead) and NumPy computing the tbabs factor on the same 7200 bins in
/// the same run (the peer, `Benchmarks/model_numpy.py`). Each figure is the median over
/// `--repeats` timings of `--evaluations` calls, as wall-clock time and as this thread's CPU time
/// (the machine may be shared: CPU time is what other processes disturb least).
struct BenchModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "Model evaluation cost: tbabs*apec, tbabs*(apec+apec), tbabs*nei, table load, components (release build).")

    @Option(help: "Evaluations per timing.")
    var evaluations = 1000
    @Option(help: "Timings per case; the median is reported.")
    var repeats = 5
    @Option(help: "Fresh processes spawned to time the table load; the median is reported.")
    var loadRepeats = 3
    @Option(help: "Model expressions to time besides the built-in cases (repeatable), on the NuSTAR grid, first parameter varied.")
    var expression: [String] = []
    @Flag(help: "Skip the NumPy peer.")
    var skipPeer = false
    @Flag(help: "Print one JSON object.")
    var json = false
    /// Internal: decode the embedded tables in this (fresh) process and print the times as JSON.
    @Flag(help: .hidden)
    var tableLoadProbe = false

    func validate() throws {
        guard evaluations > 0, repeats > 0, loadRepeats > 0 else {
            throw ValidationError("--evaluations, --repeats and --load-repeats must be > 0")
        }
    }

    func run() throws {
        if tableLoadProbe {
            try TableLoadProbe.run()
            return
        }
        let sxs = try EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)
        let nustar = try EnergyGrid.linear(from: 1.6, to: 165.44, step: 0.04)
        var stream = RandomStream(seed: 7, purpose: .testing, index: 0)
        var checksum = 0.0

        // Headline 1: tbabs*apec on SXS.
        var single = try Model("tbabs*apec")
        try single.set("tbabs.nH", to: 0.138)
        let apecSets = try Self.parameterSets(single, count: evaluations, stream: &stream) { s in
            ["apec.kT": 1 + 9 * s.uniform(), "apec.Abundanc": 0.1 + 1.4 * s.uniform(),
             "apec.Redshift": 0.1 * s.uniform(), "apec.norm": 0.01 + 0.99 * s.uniform()]
        }
        let tbabsApec = try Self.time(single, on: sxs, sets: apecSets, repeats: repeats, checksum: &checksum)

        // Headline 2: tbabs*(apec+apec) on NuSTAR, abundance and redshift linked.
        var double = try Model("tbabs*(apec+apec)")
        try double.set("tbabs.nH", to: 0.00858)
        try double.apply("apec_2.Abundanc=apec_1.Abundanc")
        try double.apply("apec_2.Redshift=apec_1.Redshift")
        let doubleSets = try Self.parameterSets(double, count: evaluations, stream: &stream) { s in
            let abundance = 0.1 + 0.9 * s.uniform(), z = 0.01 + 0.09 * s.uniform()
            return ["apec_1.kT": 1 + 9 * s.uniform(), "apec_2.kT": 1 + 9 * s.uniform(),
                    "apec_1.Abundanc": abundance, "apec_2.Abundanc": abundance,
                    "apec_1.Redshift": z, "apec_2.Redshift": z,
                    "apec_1.norm": 0.01 + 0.99 * s.uniform(), "apec_2.norm": 0.01 + 0.99 * s.uniform()]
        }
        let tbabsApecApec = try Self.time(double, on: nustar, sets: doubleSets, repeats: repeats, checksum: &checksum)

        // Headline 3: tbabs*nei on SXS at a new (kT, τ).
        var neiModel = try Model("tbabs*nei")
        try neiModel.set("tbabs.nH", to: 0.138)
        let neiSets = try Self.parameterSets(neiModel, count: evaluations, stream: &stream) { s in
            ["nei.kT": 1 + 9 * s.uniform(), "nei.Tau": pow(10, 9 + 2 * s.uniform()), "nei.Abundanc": 0.1 + 1.4 * s.uniform(),
             "nei.Redshift": 0.1 * s.uniform(), "nei.norm": 0.01 + 0.99 * s.uniform()]
        }
        let tbabsNei = try Self.time(neiModel, on: sxs, sets: neiSets, repeats: repeats, checksum: &checksum)

        // Headline 4: the embedded tables, decoded in fresh processes.
        let load = try Self.tableLoad(repeats: loadRepeats)

        // Components and expression overhead.
        var componentRows: [[String: Any]] = []
        func component(_ name: String, _ text: String, _ grid: EnergyGrid, vary: [String: (inout RandomStream) -> Double],
                       fixed: [String: Double] = [:]) throws {
            var model = try Model(text)
            for (address, value) in fixed { try model.set(address, to: value) }
            let sets = try Self.parameterSets(model, count: evaluations, stream: &stream) { s in vary.mapValues { $0(&s) } }
            let timing = try Self.time(model, on: grid, sets: sets, repeats: repeats, checksum: &checksum)
            componentRows.append(timing.row(name: name, bins: grid.count))
        }
        try component("tbabs, 7200 bins, nH varied", "tbabs", sxs, vary: ["nH": { 0.1 + 0.1 * $0.uniform() }])
        try component("tbabs, 7200 bins, all cached", "tbabs", sxs, vary: [:], fixed: ["nH": 0.138])
        try component("tbabs*(powerlaw+powerlaw), 4096 bins, all cached (expression overhead)", "tbabs*(powerlaw+powerlaw)",
                      nustar, vary: [:], fixed: ["nH": 0.00858])
        try component("apec, 7200 bins, new kT", "apec", sxs, vary: ["kT": { 1 + 9 * $0.uniform() }])
        try component("apec, 7200 bins, new kT, abundance, z, norm (the apec of the first headline)", "apec", sxs,
                      vary: ["kT": { 1 + 9 * $0.uniform() }, "Abundanc": { 0.1 + 1.4 * $0.uniform() },
                             "Redshift": { 0.1 * $0.uniform() }, "norm": { 0.01 + 0.99 * $0.uniform() }])
        try component("nei, 7200 bins, new kT and tau", "nei", sxs,
                      vary: ["kT": { 1 + 9 * $0.uniform() }, "Tau": { pow(10, 9 + 2 * $0.uniform()) }])
        try component("nei, 7200 bins, new tau at one kT (cached eigenmodes)", "nei", sxs,
                      vary: ["Tau": { pow(10, 9 + 2 * $0.uniform()) }], fixed: ["kT": 5])
        try component("powerlaw, 4096 bins, PhoIndex varied", "powerlaw", nustar, vary: ["PhoIndex": { 1.5 + $0.uniform() }])
        try component("gaussian, 4096 bins, LineE varied", "gaussian", nustar, vary: ["LineE": { 5 + 2 * $0.uniform() }])
        try component("lorentz, 4096 bins, LineE varied", "lorentz", nustar, vary: ["LineE": { 5 + 2 * $0.uniform() }])
        try component("cutoffpl, 4096 bins, PhoIndex varied", "cutoffpl", nustar, vary: ["PhoIndex": { 1 + $0.uniform() }])
        try component("bremss, 4096 bins, kT varied", "bremss", nustar, vary: ["kT": { 1 + 9 * $0.uniform() }])
        for text in expression {
            let model = try Model(text)
            guard let first = model.parameters.first?.name else { continue }
            let base = model.values[0]
            try component("\(text), 4096 bins, \(first) varied", text, nustar, vary: [first: { base == 0 ? 1e-3 * $0.uniform() : base * (1 - 1e-3 * $0.uniform()) }])
        }

        let peer: BenchSupport.PeerResult = skipPeer ? .unavailable("skipped (--skip-peer)") : try Self.numpyTBabs(grid: sxs, evaluations: evaluations, repeats: repeats)

        let headline: [(key: String, title: String, timing: Timing, target: Double)] = [
            ("tbabs_apec_sxs_7200", "tbabs*apec, SXS 1.8–9 keV at 1 eV (7200 bins), new kT", tbabsApec, 100),
            ("tbabs_apec_apec_nustar_4096", "tbabs*(apec+apec), NuSTAR 1.6–165.44 keV (4096 bins), new kTs", tbabsApecApec, 200),
            ("tbabs_nei_sxs_7200", "tbabs*nei, SXS 7200 bins, new (kT, tau)", tbabsNei, 1000),
        ]
        if json {
            var result: [String: Any] = [
                "benchmark": "models", "threads": 1, "evaluations": evaluations, "repeats": repeats,
                "statistic": "median over repeats of the time per evaluation; wall clock and this thread's CPU time",
                "components": componentRows,
                "table_load": load.json,
            ]
            for h in headline {
                var row = h.timing.row(name: h.title, bins: 0)
                row["target_us"] = h.target
                row["meets_target_cpu"] = h.timing.cpuMedian * 1e6 <= h.target
                result[h.key] = row
            }
            switch peer {
            case let .measured(object):
                result["numpy_tbabs_7200_us"] = ["wall": object["microseconds_per_evaluation"] ?? Double.nan,
                                                 "cpu": object["cpu_microseconds_per_evaluation"] ?? Double.nan]
                result["numpy_version"] = object["numpy_version"] ?? "?"
            case let .unavailable(reason):
                result["numpy_unavailable"] = reason
            }
            try CommandLineOutput.printJSON(result)
        } else {
            print("Model evaluation, 1 thread, median of \(repeats) × \(evaluations) evaluations (wall clock | this thread's CPU time)")
            for h in headline {
                let mark = h.timing.cpuMedian * 1e6 <= h.target ? "meets" : "MISSES"
                print(String(format: "  %8.1f µs | %8.1f µs  ", h.timing.wallMedian * 1e6, h.timing.cpuMedian * 1e6)
                      + "\(h.title)  (target ≤ \(Int(h.target)) µs: \(mark))")
            }
            let loadMark = load.total.cpu <= 1 ? "meets" : "MISSES"
            print(String(format: "  %8.3f s  | %8.3f s   embedded tables load in a fresh process (AtomDB %.3f s + rates %.3f s CPU)",
                         load.total.wall, load.total.cpu, load.atomDB.cpu, load.rates.cpu) + "  (target ≤ 1 s: \(loadMark))")
            print(String(format: "  %8.3f s  | %8.3f s   … and to the first tbabs*nei spectrum on the SXS grid (component build + compile)",
                         load.firstSpectrum.wall, load.firstSpectrum.cpu))
            print("Components")
            for row in componentRows {
                print(String(format: "  %8.2f µs | %8.2f µs  ", row["wall_us"] as! Double, row["cpu_us"] as! Double) + (row["case"] as! String))
            }
            switch peer {
            case let .measured(object):
                print(String(format: "  %8.2f µs | %8.2f µs  numpy exp(-nH*sigma) on the same 7200 bins (numpy %@; compare tbabs, nH varied)",
                             (object["microseconds_per_evaluation"] as? Double) ?? .nan,
                             (object["cpu_microseconds_per_evaluation"] as? Double) ?? .nan, "\(object["numpy_version"] ?? "?")"))
            case let .unavailable(reason):
                print("  numpy peer unavailable: \(reason)")
            }
        }
        if checksum.isNaN { print(checksum) }   // keeps results observable to the optimiser
    }

    // MARK: Timing

    /// Median wall-clock and thread-CPU seconds per evaluation.
    struct Timing {
        let wallMedian: Double
        let cpuMedian: Double

        func row(name: String, bins: Int) -> [String: Any] {
            var row: [String: Any] = ["case": name, "wall_us": wallMedian * 1e6, "cpu_us": cpuMedian * 1e6]
            if bins > 0 { row["bins"] = bins }
            return row
        }
    }

    /// Full parameter vectors of `model` with the addressed parameters drawn by `draw`.
    static func parameterSets(_ model: Model, count: Int, stream: inout RandomStream,
                              draw: (inout RandomStream) -> [String: Double]) throws -> [[Double]] {
        var sets: [[Double]] = []
        sets.reserveCapacity(count)
        for _ in 0..<count {
            var values = model.values
            for (address, value) in draw(&stream) { values[try model.index(of: address)] = value }
            sets.append(values)
        }
        return sets
    }

    /// Times evaluations of `model` on `grid` over `sets` (one pass per repeat).
    static func time(_ model: Model, on grid: EnergyGrid, sets: [[Double]], repeats: Int, checksum: inout Double) throws -> Timing {
        var evaluator = try model.compiled(for: grid).makeEvaluator()
        var output = [Double](repeating: 0, count: grid.count)
        try evaluator.evaluate(sets[0], into: &output)   // warm-up: first-use table decodes
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<repeats {
            let wall0 = BenchSupport.wallSeconds(), cpu0 = BenchSupport.threadCPUSeconds()
            for values in sets {
                try evaluator.evaluate(values, into: &output)
                checksum += output[output.count / 2]
            }
            cpus.append((BenchSupport.threadCPUSeconds() - cpu0) / Double(sets.count))
            walls.append((BenchSupport.wallSeconds() - wall0) / Double(sets.count))
        }
        return Timing(wallMedian: BenchSupport.median(walls), cpuMedian: BenchSupport.median(cpus))
    }

    // MARK: Table load in fresh processes

    struct LoadTimes {
        struct Pair { let wall: Double; let cpu: Double }
        let atomDB: Pair
        let rates: Pair
        let total: Pair
        let firstSpectrum: Pair
        let processWall: Double

        var json: [String: Any] {
            ["atomdb_decode_s": ["wall": atomDB.wall, "cpu": atomDB.cpu],
             "rates_decode_s": ["wall": rates.wall, "cpu": rates.cpu],
             "tables_total_s": ["wall": total.wall, "cpu": total.cpu],
             "first_tbabs_nei_spectrum_s": ["wall": firstSpectrum.wall, "cpu": firstSpectrum.cpu],
             "process_wall_s": processWall,
             "target_s": 1.0,
             "meets_target_cpu": total.cpu <= 1,
             "statistic": "median over fresh processes"]
        }
    }

    /// Spawns this executable `repeats` times with the hidden probe flag and takes medians.
    static func tableLoad(repeats: Int) throws -> LoadTimes {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var samples: [[String: Double]] = []
        var processWalls: [Double] = []
        for _ in 0..<repeats {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: executable)
                                        ? executable : CommandLine.arguments[0])
            process.arguments = ["bench", "models", "--table-load-probe"]
            let output = Pipe()
            process.standardOutput = output
            let start = BenchSupport.wallSeconds()
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            processWalls.append(BenchSupport.wallSeconds() - start)
            guard process.terminationStatus == 0,
                  let object = try JSONSerialization.jsonObject(with: data) as? [String: Double] else {
                throw BenchFailure(message: "the table-load probe process failed (status \(process.terminationStatus))")
            }
            samples.append(object)
        }
        func pair(_ key: String) -> LoadTimes.Pair {
            LoadTimes.Pair(wall: BenchSupport.median(samples.map { $0["\(key)_wall"] ?? .nan }),
                           cpu: BenchSupport.median(samples.map { $0["\(key)_cpu"] ?? .nan }))
        }
        return LoadTimes(atomDB: pair("atomdb"), rates: pair("rates"), total: pair("total"),
                         firstSpectrum: pair("first"), processWall: BenchSupport.median(processWalls))
    }

    /// What the probe process does: decode each embedded table once (first use in this process)
    /// and then build and evaluate `tbabs*nei` on the SXS grid.
    enum TableLoadProbe {
        static func run() throws {
            var result: [String: Double] = [:]
            func timed(_ key: String, _ body: () throws -> Void) rethrows {
                let wall0 = BenchSupport.wallSeconds(), cpu0 = BenchSupport.threadCPUSeconds()
                try body()
                result["\(key)_cpu"] = BenchSupport.threadCPUSeconds() - cpu0
                result["\(key)_wall"] = BenchSupport.wallSeconds() - wall0
            }
            let wall0 = BenchSupport.wallSeconds(), cpu0 = BenchSupport.threadCPUSeconds()
            try timed("atomdb") { _ = try EmissivityTable.embedded() }
            try timed("rates") { _ = try IonizationRateTable.load() }
            result["total_cpu"] = BenchSupport.threadCPUSeconds() - cpu0
            result["total_wall"] = BenchSupport.wallSeconds() - wall0
            try timed("first") {
                var model = try Model("tbabs*nei")
                try model.set("tbabs.nH", to: 0.138)
                let spectrum = try model.compiled(for: EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)).evaluate(model.values)
                if spectrum.isEmpty { print("") }
            }
            result["first_cpu"] = (result["first_cpu"] ?? 0) + (result["total_cpu"] ?? 0)
            result["first_wall"] = (result["first_wall"] ?? 0) + (result["total_wall"] ?? 0)
            try CommandLineOutput.printJSON(result)
        }
    }

    // MARK: Peer

    /// NumPy computing exp(−nH σ̄) on the bin-averaged tbabs cross sections of `grid`.
    static func numpyTBabs(grid: EnergyGrid, evaluations: Int, repeats: Int) throws -> BenchSupport.PeerResult {
        let table = AbsorptionTables.table(model: "tbabs", abundanceTable: "angr")!
        let meanSigma = (0..<grid.count).map { 0.5 * (table.crossSection(at: grid.lo[$0]) + table.crossSection(at: grid.hi[$0])) }
        let sigmaFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-bench-sigma-\(ProcessInfo.processInfo.processIdentifier).json")
        try JSONSerialization.data(withJSONObject: meanSigma).write(to: sigmaFile)
        defer { try? FileManager.default.removeItem(at: sigmaFile) }
        return BenchSupport.runPeer(script: "model_numpy.py",
                                    arguments: ["--sigma", sigmaFile.path, "--evaluations", "\(evaluations)", "--repeats", "\(repeats)"],
                                    environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
    }
}

/// A benchmark step that could not run.
struct BenchFailure: PerseusError {
    let message: String
    var description: String { message }
}
