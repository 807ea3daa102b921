import COpenBLAS
import PerseusCore
import PerseusIO

/// Folds many spectra at once, for dataset generation.
///
/// For a dense folded response (at least `denseThreshold` of the model-bin × channel elements
/// stored — NuSTAR, Chandra ACIS) the response with its effective area, R[i][c]·A[i], is kept as a
/// dense Double matrix and the batch is one BLAS matrix product (OpenBLAS `dgemm`):
/// counts[s][c] = exposure[s] · Σᵢ F[s][i] · R[i][c] A[i]. For a sparse one (the microcalorimeters,
/// ~1% dense) each spectrum is folded through the sparse runs of `ResponseFolder` in turn (a dense
/// product would multiply mostly zeros).
///
/// Immutable and `Sendable`. OpenBLAS may use its own threads for `dgemm`; set
/// `OPENBLAS_NUM_THREADS=1` when the caller parallelises over batches itself.
public struct BatchFolder: CountsObserver {
    /// The single-spectrum folder this batches.
    public let folder: ResponseFolder
    /// Whether batches go through BLAS (dense) or through the sparse runs.
    public let usesBLAS: Bool
    /// R[i][c]·A[i] [cm²], model bins × channels, row-major (empty when sparse).
    let dense: [Double]

    /// Prepares batched folding for `folder`.
    /// - Parameter denseThreshold: fraction of stored elements above which the dense BLAS path is used.
    public init(_ folder: ResponseFolder, denseThreshold: Double = 0.05) {
        self.folder = folder
        let bins = folder.modelBinCount, channels = folder.channelCount
        let density = Double(folder.storedElementCount) / Double(max(1, bins * channels))
        usesBLAS = density >= denseThreshold
        guard usesBLAS else { dense = []; return }
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
            for s in 0..<spectra {
                folder.expectedCounts(photonFlux: UnsafeBufferPointer(start: flux + s * bins, count: bins), exposure: exposures[s],
                                      into: UnsafeMutableBufferPointer(start: out + s * channels, count: channels))
            }
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
    /// exposure ≥ 0 are preconditions. A batch holding a non-finite flux is folded spectrum by
    /// spectrum through the sparse runs, which skip bins that cannot contribute (so an infinite
    /// flux where the effective area is zero still gives finite counts).
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
            for s in 0..<spectra {
                folder.expectedCounts(photonFlux: UnsafeBufferPointer(start: flux + s * bins, count: bins), exposure: exposure,
                                      into: UnsafeMutableBufferPointer(start: out + s * channels, count: channels))
            }
            return
        }
        dense.withUnsafeBufferPointer { matrix in
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(spectra), Int32(channels), Int32(bins),
                        exposure, flux, Int32(bins), matrix.baseAddress, Int32(channels), 0.0, out, Int32(channels))
        }
    }
}

extension ResponseFolder {
    /// A batched folder for this response (dense BLAS or sparse, see `BatchFolder`).
    public func batched(denseThreshold: Double = 0.05) -> BatchFolder { BatchFolder(self, denseThreshold: denseThreshold) }
}
