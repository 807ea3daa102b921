import Perseus

/// One thread's share of the `evaluate_fold_draw*` paths of `perseus bench fakeit`: its own
/// model evaluator, buffers and workspaces, and the summed counts per channel of the spectra it
/// produced. Spectrum s is always drawn from RandomStream(seed, .sourceCounts, s), so every
/// path and every split of the spectra between threads gives the same counts.
struct FakeItWorker {
    let folder: ResponseFolder
    let batchFolder: BatchFolder
    let values: [Double]
    let exposure: Double
    let seed: UInt64
    private var evaluator: ModelEvaluator
    private var flux: [Double]
    private var means: [Double]
    private var counts: [Double]
    private var blockFlux: [Double]
    /// Expected counts of the last block folded by ``simulate(block:lanes:)``, row by row.
    private(set) var blockMeans: [Double]
    private let blockExposures: [Double]
    private let workspace = PoissonWorkspace()
    private let foldWorkspace = BatchFoldWorkspace()
    /// Counts per channel summed over the spectra simulated since the last ``reset()``.
    private(set) var totals: [Double]

    /// A worker for blocks of up to `block` spectra of `compiled` (with parameter `values`)
    /// observed for `exposure` [s] through `folder` (and `batchFolder`, its batched form).
    init(compiled: CompiledModel, values: [Double], folder: ResponseFolder, batchFolder: BatchFolder,
         exposure: Double, seed: UInt64, block: Int) {
        self.folder = folder
        self.batchFolder = batchFolder
        self.values = values
        self.exposure = exposure
        self.seed = seed
        evaluator = compiled.makeEvaluator()
        let bins = folder.modelBinCount, channels = folder.channelCount
        flux = [Double](repeating: 0, count: bins)
        means = [Double](repeating: 0, count: channels)
        counts = [Double](repeating: 0, count: channels)
        blockFlux = [Double](repeating: 0, count: block * bins)
        blockMeans = [Double](repeating: 0, count: block * channels)
        blockExposures = [Double](repeating: exposure, count: block)
        totals = [Double](repeating: 0, count: channels)
    }

    mutating func reset() {
        totals = [Double](repeating: 0, count: folder.channelCount)
    }

    /// Spectrum `s` as Sherpa's fake_pha does it: evaluate the model, fold it alone, draw.
    mutating func simulate(spectrum s: Int) throws {
        try evaluator.evaluate(values, into: &flux)
        flux.withUnsafeBufferPointer { f in
            means.withUnsafeMutableBufferPointer { m in folder.expectedCounts(photonFlux: f, exposure: exposure, into: m) }
        }
        let expected = means
        try expected.withUnsafeBufferPointer { m in try draw(spectrum: s, means: m) }
    }

    /// Spectra `first ..< first + lanes` (lanes ≤ the block size): each evaluated on its own into
    /// its row of the block, the block folded in one pass over the matrix, each drawn.
    mutating func simulate(block first: Int, lanes: Int) throws {
        let bins = folder.modelBinCount, channels = folder.channelCount
        try values.withUnsafeBufferPointer { v in
            try blockFlux.withUnsafeMutableBufferPointer { b in
                for s in 0..<lanes {
                    try evaluator.evaluate(v, into: UnsafeMutableBufferPointer(rebasing: b[(s * bins)..<((s + 1) * bins)]))
                }
            }
        }
        try blockFlux.withUnsafeBufferPointer { f in
            try blockExposures.withUnsafeBufferPointer { e in
                try blockMeans.withUnsafeMutableBufferPointer { m in
                    try batchFolder.expectedCounts(photonFluxes: UnsafeBufferPointer(rebasing: f[0..<(lanes * bins)]), spectra: lanes,
                                                   exposures: UnsafeBufferPointer(rebasing: e[0..<lanes]),
                                                   into: UnsafeMutableBufferPointer(rebasing: m[0..<(lanes * channels)]), workspace: foldWorkspace)
                }
            }
        }
        let rows = blockMeans
        try rows.withUnsafeBufferPointer { m in
            for s in 0..<lanes {
                try draw(spectrum: first + s, means: UnsafeBufferPointer(rebasing: m[(s * channels)..<((s + 1) * channels)]))
            }
        }
    }

    /// Draws spectrum `s` from `means` and adds it to ``totals``.
    private mutating func draw(spectrum s: Int, means: UnsafeBufferPointer<Double>) throws {
        var stream = RandomStream(seed: seed, purpose: .sourceCounts, index: UInt64(s))
        try counts.withUnsafeMutableBufferPointer { c in try stream.poisson(means: means, into: c, workspace: workspace) }
        for c in 0..<counts.count { totals[c] += counts[c] }
    }
}
