import ArgumentParser
import Foundation
import Perseus

/// `perseus bench fit-engine`: fits per second of the PerseusFit engine on the Sherpa benchmark
/// set-up (2000 channels 0.1–12 keV, Gaussian RMF σ = 0.05√E keV, 2.5 ks, 0.3–10 keV noticed,
/// 5 free parameters) with a *toy* absorbed power law + Gaussian line written here (absorption
/// exp(−nH·2·E^−8/3) at bin centres instead of `wabs`), against Sherpa's `levmar` + `cstat`
/// fitting the same spectra with the same model as a Python user model, in the same run.
///
/// This measures the optimiser and statistic on a realistic forward model. The integrated
/// `perseus bench fit` (real `wabs*(powerlaw+gaussian)`, PHA files) replaces it once the model
/// components and responses are merged.
struct BenchFitEngineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-engine",
        abstract: "Fit-engine throughput on a toy wabs*(powerlaw+gaussian) vs Sherpa levmar + cstat.")

    @Option(help: "Number of simulated spectra (each fitted once per timing).")
    var spectra = 40
    @Option(help: "Timings per side; the fastest is reported.")
    var repeats = 3
    @Flag(help: "Skip the Sherpa peer.")
    var noPeer = false
    @Flag(help: "Use a diagonal response instead of the Gaussian RMF (a cheap model: shows the engine's own cost).")
    var diagonal = false
    @Flag(help: "Ignore the model's Jacobian hint (every derivative is a full model evaluation).")
    var noHint = false
    @Flag(help: "Fit with the real wabs*(powerlaw+gaussian) of PerseusPhysics folded by a ResponseMatrix (Perseus only: this machine's Sherpa has no XSPEC models).")
    var realModel = false
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard spectra > 0, repeats > 0 else { throw ValidationError("--spectra and --repeats must be > 0") }
        if realModel { return try runRealModel() }
        let setup = BenchFitSetup(diagonal: diagonal)
        let truth = [0.5, 1.8, 1e-2, 6.4, 1e-3]
        var model = setup.model(hint: !noHint)
        let expected = setup.expectedCounts(truth)
        let samples = (0..<spectra).map { i -> [Double] in
            var stream = RandomStream(seed: 2025, purpose: .sourceCounts, index: UInt64(i))
            return expected.map { Double(stream.poisson(mean: $0)) }
        }
        let problems = try samples.enumerated().map { i, counts in
            let data = try FitData(spectrum: SpectrumData(name: "sample \(i)", counts: counts, channelEnergies: setup.energies),
                                   band: .only(0.3...10))
            return try FitProblem(data: data, statistic: .cstat, parameters: setup.startParameters())
        }
        // Warm-up and results.
        let workspace = FitWorkspace()
        var results: [FitResult] = []
        for (i, problem) in problems.enumerated() {
            results.append(try Fitter().fit(problem, model: &model, workspace: workspace, sampleIndex: UInt64(i)))
        }
        let seconds = try BenchSupport.best(of: repeats) {
            for (i, problem) in problems.enumerated() {
                _ = try Fitter().fit(problem, model: &model, workspace: workspace, sampleIndex: UInt64(i))
            }
        }
        let rate = Double(spectra) / seconds
        let twoSeconds = BenchSupport.best(of: repeats) {
            _ = BatchFitter(threads: 2).fit(count: spectra, makeModel: { [noHint] in setup.model(hint: !noHint) }, problem: { problems[$0] })
        }
        let twoRate = Double(spectra) / twoSeconds
        let evaluations = Double(results.map(\.modelEvaluations).reduce(0, +)) / Double(spectra)
        let iterations = Double(results.map(\.iterations).reduce(0, +)) / Double(spectra)
        // Cost of one model evaluation, for context.
        let parameters = setup.startParameters().values
        var counts = [Double](repeating: 0, count: setup.channels)
        let evalSeconds = try BenchSupport.best(of: 3) {
            try parameters.withUnsafeBufferPointer { p in
                try counts.withUnsafeMutableBufferPointer { c in
                    for _ in 0..<200 { try model.predict(parameters: p, into: c) }
                }
            }
        } / 200

        var result: [String: Any] = [
            "benchmark": "fit-engine",
            "spectra": spectra, "channels": setup.channels, "noticed_bins": problems[0].data.count,
            "free_parameters": 5, "response": diagonal ? "diagonal" : "gaussian-rmf",
            "perseus_fits_per_second": rate, "perseus_2_threads_fits_per_second": twoRate,
            "perseus_model_evaluations_per_fit": evaluations, "perseus_iterations_per_fit": iterations,
            "model_evaluation_microseconds": evalSeconds * 1e6,
        ]
        var peerSummary = "skipped"
        if !noPeer {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-bench-fit-\(ProcessInfo.processInfo.processIdentifier)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let input: [String: Any] = [
                "lo": setup.lo, "hi": setup.hi, "area": setup.area, "exposure": setup.exposure,
                "rmf_first": setup.firstChannel, "rmf_weights": setup.weights,
                "sigma": setup.lineSigma, "noticed": problems[0].data.channelMap.groups.map(\.lowerBound),
                "start": setup.startParameters().values, "counts": samples, "repeats": repeats,
            ]
            let path = directory.appendingPathComponent("input.json")
            try JSONSerialization.data(withJSONObject: input).write(to: path)
            switch BenchSupport.runPeer(script: "fit_engine_sherpa.py", arguments: [path.path],
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"]) {
            case let .measured(object):
                let sherpaRate = (object["fits_per_second"] as? Double) ?? .nan
                let best = (object["best_fits"] as? [[Double]]) ?? []
                // Compare free parameters: nH, PhoIndex, norm, LineE, line norm.
                let freeIndex = [0, 1, 2, 3, 5]
                var maxRelative = 0.0
                var statDifference = 0.0
                for (i, values) in best.enumerated() where i < results.count && values.count == 6 {
                    for k in freeIndex {
                        let a = results[i].values[k], b = values[k]
                        maxRelative = max(maxRelative, abs(a - b) / max(abs(b), 1e-300))
                    }
                }
                if let stats = object["statistics"] as? [Double] {
                    for (i, s) in stats.enumerated() where i < results.count { statDifference = max(statDifference, results[i].statistic - s) }
                }
                result["sherpa_fits_per_second"] = sherpaRate
                result["sherpa_version"] = object["sherpa_version"] ?? "?"
                result["speedup_vs_sherpa"] = rate / sherpaRate
                result["max_relative_parameter_difference"] = maxRelative
                result["max_statistic_excess_over_sherpa"] = statDifference
                result["sherpa_model_evaluations_per_fit"] = object["evaluations_per_fit"] ?? "?"
                peerSummary = String(format: "%.3g fits/s (Sherpa %@, levmar + cstat, %@ model evaluations per fit); speed-up %.1f×; best fits agree to %.2g relative (max); Perseus statistic minus Sherpa's ≤ %.3g",
                                     sherpaRate, "\(object["sherpa_version"] ?? "?")", "\(object["evaluations_per_fit"] ?? "?")",
                                     rate / sherpaRate, maxRelative, statDifference)
            case let .unavailable(reason):
                result["sherpa_unavailable"] = reason
                peerSummary = "unavailable: \(reason)"
            }
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("Fit engine: toy wabs*(powerlaw+gaussian), \(diagonal ? "diagonal response" : "Gaussian RMF"), \(setup.channels) channels, \(problems[0].data.count) noticed, 5 free parameters, \(spectra) spectra, best of \(repeats)")
            print(String(format: "  model evaluation            %.1f µs", evalSeconds * 1e6))
            print(String(format: "  perseus, 1 thread           %.3g fits/s  (%.1f iterations, %.1f model evaluations per fit)", rate, iterations, evaluations))
            print(String(format: "  perseus, 2 threads          %.3g fits/s", twoRate))
            print("  sherpa, 1 thread            \(peerSummary)")
        }
    }
}

extension BenchFitEngineCommand {
    /// The benchmark set-up with PerseusPhysics's `wabs*(powerlaw+gaussian)` and a
    /// `ResponseMatrix` (float32 values, as read from FITS) through `ResponseCountsModel`.
    func runRealModel() throws {
        let setup = BenchFitSetup(diagonal: diagonal)
        let grid = try EnergyGrid(lo: setup.lo, hi: setup.hi)
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        for (i, row) in setup.weights.enumerated() {
            runs.append(ChannelRun(channel: Int32(setup.firstChannel[i]), count: Int32(row.count), valueOffset: Int32(values.count)))
            values += row.map { Float($0) }
            starts.append(Int32(runs.count))
        }
        let matrix = try ResponseMatrix(energies: grid, channelEnergies: grid, rowRunStarts: starts, runs: runs, values: values)
        let response = try ResponsePair(matrix: matrix, ancillary: AncillaryResponse(energies: grid, effectiveArea: setup.area))
        var model = try Model("wabs*(powerlaw+gaussian)")
        for (address, value) in [("wabs.nH", 0.5), ("powerlaw.PhoIndex", 1.8), ("powerlaw.norm", 1e-2), ("gaussian.LineE", 6.4),
                                 ("gaussian.Sigma", setup.lineSigma), ("gaussian.norm", 1e-3)] {
            try model.set(address, to: value)
        }
        try model.freeze("gaussian.Sigma")
        let compiled = try model.compiled(for: grid)
        let expected = try response.expectedCounts(photonFlux: compiled.evaluate(model.values), exposure: setup.exposure)
        var start = model
        for (address, value) in [("wabs.nH", 0.2), ("powerlaw.PhoIndex", 1.5), ("powerlaw.norm", 5e-3), ("gaussian.norm", 5e-4)] {
            try start.set(address, to: value)
        }
        let parameters = try FitParameters(model: start)
        let problems = try (0..<spectra).map { i -> FitProblem in
            var stream = RandomStream(seed: 2025, purpose: .sourceCounts, index: UInt64(i))
            let counts = expected.map { Double(stream.poisson(mean: $0)) }
            let data = try FitData(spectrum: SpectrumData(name: "sample \(i)", counts: counts, channelEnergies: ChannelEnergies(grid)),
                                   band: .only(0.3...10))
            return try FitProblem(data: data, statistic: .cstat, parameters: parameters)
        }
        let makeModel: @Sendable () -> ResponseCountsModel = { try! ResponseCountsModel(model: compiled, response: response, exposure: setup.exposure) }
        var counts = makeModel()
        let workspace = FitWorkspace()
        var results: [FitResult] = []
        for (i, problem) in problems.enumerated() {
            results.append(try Fitter().fit(problem, model: &counts, workspace: workspace, sampleIndex: UInt64(i)))
        }
        let seconds = try BenchSupport.best(of: repeats) {
            for (i, problem) in problems.enumerated() {
                _ = try Fitter().fit(problem, model: &counts, workspace: workspace, sampleIndex: UInt64(i))
            }
        }
        let twoSeconds = BenchSupport.best(of: repeats) {
            _ = BatchFitter(threads: 2).fit(count: spectra, makeModel: makeModel, problem: { problems[$0] })
        }
        let startValues = start.values
        var out = [Double](repeating: 0, count: setup.channels)
        let evalSeconds = try BenchSupport.best(of: 3) {
            try startValues.withUnsafeBufferPointer { p in
                try out.withUnsafeMutableBufferPointer { c in
                    for _ in 0..<200 { try counts.predict(parameters: p, into: c) }
                }
            }
        } / 200
        let evaluations = Double(results.map(\.modelEvaluations).reduce(0, +)) / Double(spectra)
        let iterations = Double(results.map(\.iterations).reduce(0, +)) / Double(spectra)
        let rate = Double(spectra) / seconds, twoRate = Double(spectra) / twoSeconds
        if json {
            try CommandLineOutput.printJSON([
                "benchmark": "fit-engine", "model": "wabs*(powerlaw+gaussian)", "spectra": spectra,
                "perseus_fits_per_second": rate, "perseus_2_threads_fits_per_second": twoRate,
                "perseus_model_evaluations_per_fit": evaluations, "perseus_iterations_per_fit": iterations,
                "model_evaluation_microseconds": evalSeconds * 1e6,
            ])
        } else {
            print("Fit engine: wabs*(powerlaw+gaussian) (PerseusPhysics) through a ResponseMatrix, \(setup.channels) channels, \(problems[0].data.count) noticed, 5 free parameters, \(spectra) spectra, best of \(repeats)")
            print(String(format: "  model evaluation            %.1f µs", evalSeconds * 1e6))
            print(String(format: "  perseus, 1 thread           %.3g fits/s  (%.1f iterations, %.1f model evaluations per fit)", rate, iterations, evaluations))
            print(String(format: "  perseus, 2 threads          %.3g fits/s", twoRate))
            print("  (no peer: this machine's Sherpa has no XSPEC models; see `perseus bench fit-engine` without --real-model)")
        }
    }
}

/// The benchmark's instrument and toy model.
struct BenchFitSetup: Sendable {
    let channels = 2000
    let lo: [Double]
    let hi: [Double]
    let area: [Double]
    let exposure = 2500.0
    let firstChannel: [Int]
    let weights: [[Double]]
    /// Gaussian σ of the line: FWHM 0.1 keV.
    let lineSigma = 0.1 / (8 * log(2.0)).squareRoot()

    let diagonal: Bool

    init(diagonal: Bool = false) {
        self.diagonal = diagonal
        let width = (12.0 - 0.1) / 2000
        lo = (0..<2000).map { 0.1 + Double($0) * width }
        hi = (0..<2000).map { 0.1 + Double($0 + 1) * width }
        area = (0..<2000).map { i in
            let e = 0.1 + (Double(i) + 0.5) * width
            let x = log(e / 1.5) / 0.8
            return 600 * exp(-0.5 * x * x) + 20
        }
        var first: [Int] = [], rows: [[Double]] = []
        for i in 0..<2000 {
            if diagonal {
                first.append(i)
                rows.append([1])
                continue
            }
            let e = 0.1 + (Double(i) + 0.5) * width
            let sigma = 0.05 * e.squareRoot()
            let c0 = max(0, Int(((e - 5 * sigma) - 0.1) / width))
            let c1 = min(2000, Int(((e + 5 * sigma) - 0.1) / width) + 1)
            var row: [Double] = []
            for c in c0..<c1 {
                let a = (0.1 + Double(c) * width - e) / (sigma * 2.0.squareRoot())
                let b = (0.1 + Double(c + 1) * width - e) / (sigma * 2.0.squareRoot())
                row.append(0.5 * (erfc(a) - erfc(b)))
            }
            let total = row.reduce(0, +)
            first.append(c0)
            rows.append(row.map { $0 / total })
        }
        firstChannel = first
        weights = rows
    }

    var energies: ChannelEnergies { try! ChannelEnergies(lo: lo, hi: hi) }

    /// nH, PhoIndex, norm, LineE, Sigma (frozen), line norm; started from nH 0.2, Γ 1.5, halved norms.
    func startParameters() -> FitParameters {
        try! FitParameters([
            FitParameter(name: "wabs.nH", value: 0.2, hardMin: 0, hardMax: 1e5, softMin: 0, softMax: 1e5),
            FitParameter(name: "powerlaw.PhoIndex", value: 1.5, hardMin: -3, hardMax: 10, softMin: -2, softMax: 9),
            FitParameter(name: "powerlaw.norm", value: 5e-3, hardMin: 0, hardMax: 1e24),
            FitParameter(name: "gaussian.LineE", value: 6.4, hardMin: 0, hardMax: 1e6),
            FitParameter(name: "gaussian.Sigma", value: lineSigma, hardMin: 0, hardMax: 20, isFrozen: true),
            FitParameter(name: "gaussian.norm", value: 5e-4, hardMin: 0, hardMax: 1e24),
        ])
    }

    func model(hint: Bool = true) -> BenchFitModel { BenchFitModel(setup: self, useHint: hint) }

    func expectedCounts(_ free: [Double]) -> [Double] {
        var m = model()
        let p = [free[0], free[1], free[2], free[3], lineSigma, free[4]]
        var out = [Double](repeating: 0, count: channels)
        p.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { try! m.predict(parameters: v, into: $0) } }
        return out
    }
}

/// Photons per bin → × area × exposure → sparse Gaussian redistribution. Written the way a real
/// component would be (edges shared between bins, the line's erfc only within ±8.5·√2σ of its
/// centre, the redistribution as flat rows) so its cost is representative; it implements the
/// Jacobian hint for the line's parameters (see `CountsModel`).
struct BenchFitModel: CountsModel {
    let setup: BenchFitSetup
    let rowStart: [Int]
    let rowLength: [Int]
    let matrix: [Double]
    /// 2·E_mid^(−8/3) of each bin (the toy absorption's shape), and area × exposure.
    let absorptionShape: [Double]
    let effectiveExposure: [Double]
    let edges: [Double]
    var photons: [Double]
    var edgePowers: [Double]
    var edgeErfc: [Double]
    let useHint: Bool

    init(setup: BenchFitSetup, useHint: Bool = true) {
        self.setup = setup
        self.useHint = useHint
        var start: [Int] = [], length: [Int] = [], flat: [Double] = []
        for row in setup.weights {
            start.append(flat.count)
            length.append(row.count)
            flat += row
        }
        rowStart = start
        rowLength = length
        matrix = flat
        absorptionShape = zip(setup.lo, setup.hi).map { 2 * pow(0.5 * ($0 + $1), -8.0 / 3) }
        effectiveExposure = setup.area.map { $0 * setup.exposure }
        edges = setup.lo + [setup.hi[setup.channels - 1]]
        photons = [Double](repeating: 0, count: setup.channels)
        edgePowers = [Double](repeating: 0, count: setup.channels + 1)
        edgeErfc = [Double](repeating: 0, count: setup.channels + 1)
    }

    var channelCount: Int { setup.channels }

    /// Photons in bin i (after absorption, × area × exposure) for parameters p; a bin's line term
    /// is exactly 0 beyond ±8.5·√2σ of the line, as in the full evaluation.
    func binPhotons(_ i: Int, _ p: UnsafeBufferPointer<Double>) -> Double {
        let nH = p[0], index = p[1], norm = p[2], lineE = p[3], sigma = p[4], lineNorm = p[5]
        let s = sigma * 2.0.squareRoot()
        func clippedErfc(_ e: Double) -> Double {
            let x = (e - lineE) / s
            return x > 8.5 ? 0 : (x < -8.5 ? 2 : erfc(x))
        }
        let a = edges[i], b = edges[i + 1]
        let pl = abs(index - 1) < 1e-12 ? norm * log(b / a) : norm * (pow(a, 1 - index) - pow(b, 1 - index)) / (index - 1)
        let line = lineNorm * 0.5 * (clippedErfc(a) - clippedErfc(b))
        return exp(-nH * absorptionShape[i]) * (pl + line) * effectiveExposure[i]
    }

    /// The Jacobian hint: when only the line's parameters (LineE, Sigma, line norm) change, only
    /// the bins within ±8.5·√2σ of the old or new line change, so only their response rows are
    /// folded again, onto the reference counts.
    mutating func predict(parameters p: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                          reference r: UnsafeBufferPointer<Double>, referenceCounts: UnsafeBufferPointer<Double>,
                          changed: UnsafeBufferPointer<Int>) throws {
        guard useHint, changed.allSatisfy({ $0 >= 3 }) else { return try predict(parameters: p, into: counts) }
        let width = edges[1] - edges[0]
        func range(_ q: UnsafeBufferPointer<Double>) -> (Double, Double) {
            let reach = 8.5 * q[4] * 2.0.squareRoot()
            return (q[3] - reach, q[3] + reach)
        }
        let (a0, a1) = range(p), (b0, b1) = range(r)
        let first = max(0, Int((min(a0, b0) - edges[0]) / width) - 1)
        let last = min(setup.channels, Int((max(a1, b1) - edges[0]) / width) + 2)
        let base = counts.baseAddress!
        for c in 0..<counts.count { base[c] = referenceCounts[c] }
        guard first < last else { return }
        matrix.withUnsafeBufferPointer { m in
            for i in first..<last {
                let delta = binPhotons(i, p) - binPhotons(i, r)
                if delta == 0 { continue }
                let w = m.baseAddress! + rowStart[i]
                let out = base + setup.firstChannel[i]
                for j in 0..<rowLength[i] { out[j] += delta * w[j] }
            }
        }
    }

    mutating func predict(parameters p: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) throws {
        let nH = p[0], index = p[1], norm = p[2], lineE = p[3], sigma = p[4], lineNorm = p[5]
        let n = setup.channels
        let s = sigma * 2.0.squareRoot()
        let logarithmic = abs(index - 1) < 1e-12
        for i in 0...n {
            let e = edges[i]
            edgePowers[i] = logarithmic ? log(e) : pow(e, 1 - index)
            let x = (e - lineE) / s
            edgeErfc[i] = x > 8.5 ? 0 : (x < -8.5 ? 2 : erfc(x))
        }
        for i in 0..<n {
            let pl = logarithmic ? norm * (edgePowers[i + 1] - edgePowers[i]) : norm * (edgePowers[i] - edgePowers[i + 1]) / (index - 1)
            let line = lineNorm * 0.5 * (edgeErfc[i] - edgeErfc[i + 1])
            photons[i] = exp(-nH * absorptionShape[i]) * (pl + line) * effectiveExposure[i]
        }
        let base = counts.baseAddress!
        for c in 0..<counts.count { base[c] = 0 }
        matrix.withUnsafeBufferPointer { m in
            for i in 0..<n {
                let x = photons[i]
                let w = m.baseAddress! + rowStart[i]
                let out = base + setup.firstChannel[i]
                for j in 0..<rowLength[i] { out[j] += x * w[j] }
            }
        }
    }
}
