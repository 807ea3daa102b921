import COpenBLAS
import PerseusCore
import PerseusIO

/// Folds many spectra at once, for dataset generation.
///
/// For a dense folded response (at least `denseThreshold` of the model-bin × channel elements
/// stored — NuSTAR 52%, Chandra ACIS 81%) the response with its effective area, R[i][c]·A[i], is kept as a
/// dense Double matrix and the batch is one BLAS matrix product (OpenBLAS `dgemm`):
/// counts[s][c] = exposure[s] · Σᵢ F[s][i] · R[i][c] A[i]. For a sparse one (the microcalorimeters,
/// ~1% dense) the matrix is kept channel by channel (`ChannelMajorBlocks`) and blocks of up to
/// 16 spectra are folded in one pass over it, the block's spectra in the lanes of SIMD
/// accumulators: the matrix is streamed once per block instead of once per spectrum. The sparse
/// path's counts are bit-identical to `ResponseFolder.expectedCounts` of each spectrum alone, in
/// whatever blocks the spectra fall (each channel's sum has the same terms in the same order);
/// the BLAS path agrees to rounding (~1e-15 relative).
///
/// Immutable and `Sendable`. The sparse path allocates nothing when given a
/// `BatchFoldWorkspace` (one per thread); without one each call takes its scratch
/// (`modelBinCount × 16` Doubles) once. OpenBLAS may use its own threads for `dgemm`; set
/// `OPENBLAS_NUM_THREADS=1` when the caller parallelises over batches itself.
public struct BatchFolder: CountsObserver {
    /// The single-spectrum folder this batches.
    public let folder: ResponseFolder
    /// Whether batches go through BLAS (dense) or through the channel-major sparse blocks.
    public let usesBLAS: Bool
    /// R[i][c]·A[i] [cm²], model bins × channels, row-major (empty when sparse).
    let dense: [Double]
    /// The matrix channel by channel (nil when dense).
    let channelMajor: ChannelMajorBlocks?

    /// Prepares batched folding for `folder`.
    /// - Parameter denseThreshold: fraction of stored elements above which the dense BLAS path is
    ///   used. The default, 0.5, is about where the two paths cost the same on `perseus bench
    ///   fold` (haswell build, one thread, shared machine): dgemm goes through all bins × channels
    ///   at roughly twice the rate per element at which the sparse blocks go through the stored
    ///   ones (NuSTAR, 52% stored: dgemm 144–147 µs vs sparse blocks 136–143 µs per spectrum;
    ///   Chandra ACIS-I, 81%: 19–20 vs 24 µs; a 2000 × 2000 Gaussian RMF with 10% stored would
    ///   cost dgemm ~150 µs against ~20 µs for the sparse blocks).
    public init(_ folder: ResponseFolder, denseThreshold: Double = 0.5) {
        self.folder = folder
        let bins = folder.modelBinCount, channels = folder.channelCount
        let density = Double(folder.storedElementCount) / Double(max(1, bins * channels))
        usesBLAS = density >= denseThreshold
        guard usesBLAS else { dense = []; channelMajor = ChannelMajorBlocks(folder); return }
        channelMajor = nil
        var matrix = [Double](repeating: 0, count: bins * channels)
        for row in 0..<bins where folder.contributes[row] {
            let area = folder.effectiveArea[row]
            for r in Int(folder.rowRunStarts[row])..<Int(folder.rowRunStarts[row + 1]) {
                let run = folder.runs[r]
                for k in 0..<Int(run.count) {
                    matrix[row * channels + Int(run.channel) + k] = Double(folder.values[Int(run.valueOffset) + k]) * area
                }
            }
        }
        dense = matrix
    }

    /// Expected counts of `spectra` spectra. `photonFluxes` holds spectrum after spectrum
    /// (`spectra × modelBinCount`, photons cm⁻² s⁻¹ per bin), `exposures` one exposure [s] per
    /// spectrum, and `counts` receives `spectra × channelCount` values, spectrum after spectrum.
    /// - Throws: `InstrumentError.invalidInput` for wrong buffer lengths, an exposure that is
    ///   negative or not finite, or a non-finite flux (the BLAS product would turn it into NaN in
    ///   every channel); `counts` is then unspecified.
    public func expectedCounts(photonFluxes: UnsafeBufferPointer<Double>, spectra: Int, exposures: UnsafeBufferPointer<Double>,
                               into counts: UnsafeMutableBufferPointer<Double>) throws(InstrumentError) {
        try expectedCounts(photonFluxes: photonFluxes, spectra: spectra, exposures: exposures, into: counts, workspace: nil)
    }

    /// As `expectedCounts(photonFluxes:spectra:exposures:into:)`, with the sparse path's scratch
    /// taken from `workspace` (nothing is allocated once it has grown to this folder's size).
    public func expectedCounts(photonFluxes: UnsafeBufferPointer<Double>, spectra: Int, exposures: UnsafeBufferPointer<Double>,
                               into counts: UnsafeMutableBufferPointer<Double>, workspace: BatchFoldWorkspace?) throws(InstrumentError) {
        let bins = folder.modelBinCount, channels = folder.channelCount
        let what = "\(folder.instrument) batched folding"
        guard spectra >= 0, photonFluxes.count == spectra * bins, exposures.count == spectra, counts.count == spectra * channels else {
            throw .invalidInput(what: what, problem: "\(spectra) spectra need \(spectra * bins) flux values, \(spectra) exposures and room for \(spectra * channels) counts; got \(photonFluxes.count), \(exposures.count) and \(counts.count)")
        }
        for s in 0..<spectra where !(exposures[s].isFinite && exposures[s] >= 0) {
            throw .invalidInput(what: what, problem: "exposure of spectrum \(s) is \(exposures[s]) s; expected a finite value ≥ 0")
        }
        guard spectra > 0, let flux = photonFluxes.baseAddress, let out = counts.baseAddress else { return }
        guard usesBLAS else {
            foldSparse(flux: flux, spectra: spectra, exposure: { exposures[$0] }, counts: out, workspace: workspace)
            return
        }
        for i in 0..<(spectra * bins) where !flux[i].isFinite {
            throw .invalidInput(what: what, problem: "flux of spectrum \(i / bins), bin \(i % bins) is \(flux[i]); the batched path needs finite fluxes")
        }
        dense.withUnsafeBufferPointer { matrix in
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(spectra), Int32(channels), Int32(bins),
                        1.0, flux, Int32(bins), matrix.baseAddress, Int32(channels), 0.0, out, Int32(channels))
        }
        for s in 0..<spectra {
            let e = exposures[s]
            let row = out + s * channels
            for c in 0..<channels { row[c] *= e }
        }
    }

    /// Expected counts of a batch given as arrays (allocates the result): `photonFluxes[s]` is
    /// spectrum s on the model grid.
    public func expectedCounts(photonFluxes: [[Double]], exposure: Double) throws(InstrumentError) -> [[Double]] {
        let bins = folder.modelBinCount, channels = folder.channelCount
        var flat = [Double]()
        flat.reserveCapacity(photonFluxes.count * bins)
        for (s, flux) in photonFluxes.enumerated() {
            guard flux.count == bins else {
                throw .invalidInput(what: "\(folder.instrument) batched folding", problem: "spectrum \(s) has \(flux.count) flux bins; the model grid has \(bins)")
            }
            flat += flux
        }
        let exposures = [Double](repeating: exposure, count: photonFluxes.count)
        var out = [Double](repeating: 0, count: photonFluxes.count * channels)
        try flat.withUnsafeBufferPointer { (f: UnsafeBufferPointer<Double>) throws(InstrumentError) in
            try exposures.withUnsafeBufferPointer { (e: UnsafeBufferPointer<Double>) throws(InstrumentError) in
                try out.withUnsafeMutableBufferPointer { (o: inout UnsafeMutableBufferPointer<Double>) throws(InstrumentError) in
                    try expectedCounts(photonFluxes: f, spectra: photonFluxes.count, exposures: e, into: o)
                }
            }
        }
        return (0..<photonFluxes.count).map { Array(out[($0 * channels)..<(($0 + 1) * channels)]) }
    }
}

extension BatchFolder {
    public var modelGrid: EnergyGrid { folder.modelGrid }
    public var outputChannels: DatasetChannels { folder.outputChannels }

    /// One spectrum, through the folder's sparse runs (`ResponseFolder.expectedCounts`).
    public func expectedCounts(photonFlux: UnsafeBufferPointer<Double>, exposure: Double,
                               into counts: UnsafeMutableBufferPointer<Double>) {
        folder.expectedCounts(photonFlux: photonFlux, exposure: exposure, into: counts)
    }

    /// `CountsObserver`'s batch form: `spectra` spectra with one exposure. Lengths and a finite
    /// exposure ≥ 0 are preconditions. A batch holding a non-finite flux is folded through the
    /// sparse runs, which skip bins that cannot contribute (so an infinite flux where the
    /// effective area is zero still gives finite counts).
    public func expectedCounts(photonFluxes: UnsafeBufferPointer<Double>, spectra: Int, exposure: Double,
                               into counts: UnsafeMutableBufferPointer<Double>) {
        let bins = folder.modelBinCount, channels = folder.channelCount
        precondition(spectra >= 0 && photonFluxes.count == spectra * bins && counts.count == spectra * channels,
                     "\(folder.instrument) batched folding: buffer lengths do not match \(spectra) spectra")
        precondition(exposure.isFinite && exposure >= 0, "\(folder.instrument) batched folding: exposure \(exposure) s")
        guard spectra > 0, let flux = photonFluxes.baseAddress, let out = counts.baseAddress else { return }
        var finite = true
        for i in 0..<(spectra * bins) where !flux[i].isFinite { finite = false; break }
        guard usesBLAS, finite else {
            if usesBLAS {
                for s in 0..<spectra {
                    folder.expectedCounts(photonFlux: UnsafeBufferPointer(start: flux + s * bins, count: bins), exposure: exposure,
                                          into: UnsafeMutableBufferPointer(start: out + s * channels, count: channels))
                }
            } else {
                foldSparse(flux: flux, spectra: spectra, exposure: { _ in exposure }, counts: out, workspace: nil)
            }
            return
        }
        dense.withUnsafeBufferPointer { matrix in
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(spectra), Int32(channels), Int32(bins),
                        exposure, flux, Int32(bins), matrix.baseAddress, Int32(channels), 0.0, out, Int32(channels))
        }
    }
}

extension BatchFolder {
    /// Folds `spectra` spectra through the channel-major matrix, blocks of up to 16 at a time.
    func foldSparse(flux: UnsafePointer<Double>, spectra: Int, exposure: (Int) -> Double, counts: UnsafeMutablePointer<Double>,
                    workspace: BatchFoldWorkspace?) {
        guard let matrix = channelMajor, spectra > 0 else { return }
        let scratch = matrix.binCount * ChannelMajorBlocks.maximumLanes
        func run(_ weights: UnsafeMutablePointer<Double>) {
            var first = 0
            while first < spectra {
                let lanes = min(ChannelMajorBlocks.maximumLanes, spectra - first)
                matrix.foldBlock(flux: flux, first: first, lanes: lanes, exposure: exposure, counts: counts, weights: weights)
                first += lanes
            }
        }
        if let workspace {
            run(workspace.weights(capacity: scratch))
        } else {
            withUnsafeTemporaryAllocation(byteCount: max(1, scratch) * 8, alignment: BatchFoldWorkspace.alignment) {
                run($0.baseAddress!.bindMemory(to: Double.self, capacity: max(1, scratch)))
            }
        }
    }
}

/// Scratch for `BatchFolder`'s sparse path: the weights of one block of spectra. Grows to the
/// largest folder it has served and is then reused without allocating. Not thread-safe: one
/// workspace per thread.
public final class BatchFoldWorkspace {
    /// Cache-line alignment of the weights: a block's 16 weights of one bin are two whole lines,
    /// so no SIMD load straddles two.
    static let alignment = 64
    private var buffer: UnsafeMutableRawPointer
    private var capacity = 16

    public init() {
        buffer = .allocate(byteCount: capacity * 8, alignment: Self.alignment)
    }

    deinit { buffer.deallocate() }

    func weights(capacity needed: Int) -> UnsafeMutablePointer<Double> {
        if needed > capacity {
            buffer.deallocate()
            buffer = .allocate(byteCount: needed * 8, alignment: Self.alignment)
            capacity = needed
        }
        return buffer.bindMemory(to: Double.self, capacity: capacity)
    }
}

extension ResponseFolder {
    /// A batched folder for this response (dense BLAS or sparse, see `BatchFolder`).
    public func batched(denseThreshold: Double = 0.5) -> BatchFolder { BatchFolder(self, denseThreshold: denseThreshold) }
}
