import Foundation
import Perseus

/// The Sherpa comparison of `perseus bench fit`: the set-up of the issue, Perseus's own
/// `wabs*(powerlaw+gaussian)` folded through an analytic ARF and a Gaussian RMF, fitted with
/// cstat to the same Poisson spectra by both programs.
///
/// - 2000 linear bins over 0.1–12 keV (energies = channels);
///   A(E) = 600·exp(−½(ln(E/1.5)/0.8)²) + 20 cm² at bin centres;
///   RMF: a Gaussian of σ = 0.05·√E keV integrated over each channel within ±5σ, renormalised
///   to 1, stored as float32 like an OGIP matrix;
/// - truth nH 0.5, Γ 1.8, norm 1e-2, LineE 6.4 keV, FWHM 0.1 keV (frozen), line norm 2.1e-4;
///   2.5 ks; 0.3–10 keV noticed; spectra Poisson(seed 2025, sample i);
/// - five free parameters, every fit started from nH 0.2, Γ 1.5, halved norms, LineE 6.4.
struct BenchFitSherpaComparison {
    static let truth: [(String, Double)] = [("wabs.nH", 0.5), ("powerlaw.PhoIndex", 1.8), ("powerlaw.norm", 1e-2),
                                            ("gaussian.LineE", 6.4), ("gaussian.Sigma", lineSigma), ("gaussian.norm", 2.1e-4)]
    static let start: [(String, Double)] = [("wabs.nH", 0.2), ("powerlaw.PhoIndex", 1.5), ("powerlaw.norm", 5e-3),
                                            ("gaussian.LineE", 6.4), ("gaussian.norm", 1.05e-4)]
    static let lineFWHM = 0.1
    static let lineSigma = lineFWHM / (8 * log(2.0)).squareRoot()
    static let exposure = 2500.0
    static let band = BandSelection.only(0.3...10)

    let grid: EnergyGrid
    let area: [Double]
    let response: ResponsePair
    let compiled: CompiledModel
    let parameters: FitParameters
    let counts: [[Double]]
    let problems: [FitProblem]
    let prototype: ResponseCountsModel

    init(spectra: Int) throws {
        let step = (12 - 0.1) / 2000
        grid = try EnergyGrid(lo: (0..<2000).map { 0.1 + Double($0) * step }, hi: (0..<2000).map { 0.1 + Double($0 + 1) * step })
        let grid = self.grid
        let area = (0..<grid.count).map { i in
            let e = 0.5 * (grid.lo[i] + grid.hi[i])
            let x = log(e / 1.5) / 0.8
            return 600 * exp(-0.5 * x * x) + 20
        }
        self.area = area
        var starts: [Int32] = [0], runs: [ChannelRun] = [], values: [Float] = []
        let width = grid.hi[0] - grid.lo[0]
        for i in 0..<grid.count {
            let e = 0.5 * (grid.lo[i] + grid.hi[i]), sigma = 0.05 * e.squareRoot()
            let c0 = max(0, Int(((e - 5 * sigma) - 0.1) / width)), c1 = min(grid.count, Int(((e + 5 * sigma) - 0.1) / width) + 1)
            let row = (c0..<c1).map { c in
                0.5 * (erfc((grid.lo[c] - e) / (sigma * 2.0.squareRoot())) - erfc((grid.hi[c] - e) / (sigma * 2.0.squareRoot())))
            }
            let total = row.reduce(0, +)
            runs.append(ChannelRun(channel: Int32(c0), count: Int32(row.count), valueOffset: Int32(values.count)))
            values += row.map { Float($0 / total) }
            starts.append(Int32(runs.count))
        }
        let matrix = try ResponseMatrix(energies: grid, channelEnergies: grid, firstChannel: 0, rowRunStarts: starts, runs: runs, values: values)
        let response = try ResponsePair(matrix: matrix, ancillary: AncillaryResponse(energies: grid, effectiveArea: area))
        self.response = response

        var model = try Model("wabs*(powerlaw+gaussian)")
        for (address, value) in Self.truth { try model.set(address, to: value) }
        try model.freeze("gaussian.Sigma")
        let compiled = try model.compiled(for: grid)
        self.compiled = compiled
        let expected = try response.expectedCounts(photonFlux: compiled.evaluate(model.values), exposure: Self.exposure)
        for (address, value) in Self.start { try model.set(address, to: value) }
        let parameters = try FitParameters(model: model)
        self.parameters = parameters
        let counts = (0..<spectra).map { i in
            var stream = RandomStream(seed: 2025, purpose: .sourceCounts, index: UInt64(i))
            return expected.map { Double(stream.poisson(mean: $0)) }
        }
        self.counts = counts
        let energies = ChannelEnergies(grid)
        problems = try counts.enumerated().map { i, c in
            let data = try FitData(spectrum: SpectrumData(name: "spectrum \(i)", counts: c, channelEnergies: energies), band: Self.band)
            return try FitProblem(data: data, statistic: .cstat, parameters: parameters)
        }
        prototype = try ResponseCountsModel(model: compiled, response: response, exposure: Self.exposure,
                                            channels: Self.band.channelSpan(for: energies))
    }

    /// Fits every spectrum once on this thread; returns the results (warm-up and agreement).
    func fitAll() throws -> [FitResult] {
        var model = prototype
        let workspace = FitWorkspace()
        return try problems.enumerated().map { i, problem in
            try Fitter().fit(problem, model: &model, workspace: workspace, sampleIndex: UInt64(i))
        }
    }

    /// Best-of-`repeats` fits per second on one thread (by this thread's CPU time and by the
    /// wall clock) and on `threads` threads (wall clock).
    func rates(repeats: Int, threads: Int) throws -> (single: Double, singleWall: Double, parallel: Double) {
        var model = prototype
        let workspace = FitWorkspace()
        var wall = Double.infinity
        let single = try BenchFitCommand.bestThreadCPU(of: repeats) {
            wall = min(wall, try BenchSupport.seconds {
                for (i, problem) in problems.enumerated() {
                    _ = try Fitter().fit(problem, model: &model, workspace: workspace, sampleIndex: UInt64(i))
                }
            })
        }
        let shared = (model: prototype, problems: problems)
        let parallel = BenchSupport.best(of: repeats) {
            _ = BatchFitter(threads: threads).fit(count: shared.problems.count, makeModel: { shared.model }, problem: { shared.problems[$0] })
        }
        return (Double(problems.count) / single, Double(problems.count) / wall, Double(problems.count) / parallel)
    }

    /// Runs the Sherpa peer on the same spectra.
    func runPeer(repeats: Int) throws -> BenchSupport.PeerResult {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-bench-fit-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let matrix = response.matrix
        let sampling = try WAbs().samplingPoints(for: grid)
        let input: [String: Any] = [
            "lo": grid.lo, "hi": grid.hi, "area": area, "exposure": Self.exposure,
            "rmf_first": (0..<matrix.energyCount).map { Int(matrix.runs(ofRow: $0).first!.channel) },
            "rmf_count": (0..<matrix.energyCount).map { Int(matrix.runs(ofRow: $0).first!.count) },
            "rmf_values": matrix.values.map { Double($0) },
            "wabs_sigma": sampling.sigma, "wabs_weight": sampling.weight, "wabs_bin_start": sampling.binStart,
            "line_fwhm": Self.lineFWHM,
            "noticed": problems[0].data.channelMap.groups.map(\.lowerBound),
            "start": Self.start.map(\.1), "counts": counts, "repeats": repeats,
        ]
        let path = directory.appendingPathComponent("input.json")
        try JSONSerialization.data(withJSONObject: input).write(to: path)
        return BenchSupport.runPeer(script: "fit_sherpa.py", arguments: [path.path],
                                    environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"])
    }

    /// Largest |T_sherpa − T_perseus| of the wabs transmission at nH = 0.5 over the grid.
    func transmissionDifference(_ peer: [Double]) throws -> Double {
        var wabs = try Model("wabs")
        try wabs.set("wabs.nH", to: 0.5)
        let perseus = try wabs.compiled(for: grid).evaluate(wabs.values)
        guard peer.count == perseus.count else { return .infinity }
        return zip(peer, perseus).map { abs($0 - $1) }.max() ?? .infinity
    }
}
