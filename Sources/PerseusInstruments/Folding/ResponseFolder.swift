import PerseusCore
import PerseusIO

/// A response prepared for one output channel grid: the redistribution matrix restricted to the
/// output channels (band selection, binning) and to the energy bins that can reach them, with the
/// effective area of each bin. It turns a model's photon flux into expected counts per channel:
///
///     counts[c] = exposure · Σᵢ R[i][c] · A[i] · F[i]
///
/// with F[i] the photon flux in model bin i [photons cm⁻² s⁻¹], A[i] the effective area [cm²]
/// (1 without an ARF, as in XSPEC; an RSP carries its cm² in R), R[i][c] the probability that a
/// photon of bin i is recorded in output channel c (the sum of the native matrix elements of the
/// channels binned into c) and exposure in s. Sums are accumulated in Double.
///
/// **Model grid.** `modelGrid` is the contiguous range of the response's energy bins from the
/// first to the last bin that has a non-zero effective area (when there is an ARF) and a non-zero
/// matrix element in the output channels; models are evaluated on it and nowhere else. Bins inside
/// the range that cannot contribute (zero area, or no element in the band) are skipped when
/// folding, so a model that is infinite there (a Γ ≥ 1 power law in a bin starting at 0 keV)
/// never produces NaN counts. A bin that can contribute and carries an infinite flux gives
/// infinite counts, which the Poisson sampler then refuses with a clear error.
///
/// A folder is immutable and `Sendable`: fold from any number of threads at once. Folding
/// allocates nothing.
public struct ResponseFolder: CountsObserver {
    /// Instrument name (for messages and output keywords).
    public let instrument: String
    /// TELESCOP, INSTRUME, FILTER, DETNAM of the response.
    public let identity: InstrumentIdentity
    /// The output channels.
    public let channels: ChannelGrid
    /// Energy bins on which models are evaluated [keV].
    public let modelGrid: EnergyGrid
    /// Effective area of each model bin [cm²]; all 1 when the response has no ARF.
    public let effectiveArea: [Double]
    /// Whether an ARF was given (otherwise the matrix is used alone).
    public let hasAncillary: Bool
    /// Whether the matrix is an RSP (effective area included, values in cm²).
    public let isFullResponse: Bool

    /// Runs of model bin i: `runs[rowRunStarts[i] ..< rowRunStarts[i + 1]]`, channel = output index.
    let rowRunStarts: [Int32]
    let runs: [ChannelRun]
    let values: [Float]
    /// Model bins that can contribute (non-zero area and at least one element).
    let contributes: [Bool]
    /// The background prepared on the same channels, if requested.
    var background: PreparedBackground?

    /// Prepares `response` for the channels of `band` [keV] binned by `binning`.
    /// - Throws: `InstrumentError.invalidChannelSelection` for a band the response cannot
    ///   provide or a band that no energy bin reaches.
    public init(response: ResponsePair, band: ClosedRange<Double>, binning: Int, instrument: String) throws(InstrumentError) {
        try self.init(response: response, band: band, binning: binning, instrument: instrument, background: nil)
    }

    init(response: ResponsePair, band: ClosedRange<Double>, binning: Int, instrument: String,
         background: PreparedBackground?) throws(InstrumentError) {
        let matrix = response.matrix
        let grid = try ChannelGrid(matrix: matrix, band: band, binning: binning, instrument: instrument)
        try self.init(matrix: matrix, area: response.ancillary?.effectiveArea, channels: grid, instrument: instrument,
                      background: background)
    }

    /// Prepares `matrix` with per-bin `area` (nil: no ARF) for an existing channel grid.
    init(matrix: ResponseMatrix, area: [Double]?, channels grid: ChannelGrid, instrument: String,
         background: PreparedBackground?) throws(InstrumentError) {
        let n = matrix.energyCount
        var rowStarts: [Int32] = [0]
        var outRuns: [ChannelRun] = []
        var outValues: [Float] = []
        var reaches = [Bool](repeating: false, count: n)
        var scratch = [Double](repeating: 0, count: grid.count)
        matrix.values.withUnsafeBufferPointer { source in
            for row in 0..<n {
                var low = Int.max, high = -1
                for run in matrix.runs(ofRow: row) {
                    let start = Int(run.channel), offset = Int(run.valueOffset)
                    for k in 0..<Int(run.count) {
                        let value = source[offset + k]
                        guard value != 0, let c = grid.outputIndex(ofNative: start + k) else { continue }
                        scratch[c] += Double(value)
                        low = min(low, c)
                        high = max(high, c)
                    }
                }
                if high >= low {
                    var c = low
                    while c <= high {
                        guard scratch[c] != 0 else { c += 1; continue }
                        let begin = c
                        while c <= high, scratch[c] != 0 { c += 1 }
                        outRuns.append(ChannelRun(channel: Int32(begin), count: Int32(c - begin), valueOffset: Int32(outValues.count)))
                        for k in begin..<c { outValues.append(Float(scratch[k])); scratch[k] = 0 }
                    }
                    reaches[row] = true
                }
                rowStarts.append(Int32(outRuns.count))
            }
        }
        let usable = (0..<n).map { row in reaches[row] && (area.map { $0[row] > 0 } ?? true) }
        guard let first = usable.firstIndex(of: true), let last = usable.lastIndex(of: true) else {
            throw .invalidChannelSelection(instrument: instrument,
                problem: "no energy bin of the response reaches the channels of \(grid.band.lowerBound)–\(grid.band.upperBound) keV\(area == nil ? "" : " with a non-zero effective area")")
        }
        do {
            modelGrid = try EnergyGrid(lo: Array(matrix.energies.lo[first...last]), hi: Array(matrix.energies.hi[first...last]))
        } catch { throw .invalidChannelSelection(instrument: instrument, problem: "model grid: \(error)") }
        let base = rowStarts[first]
        rowRunStarts = rowStarts[first...(last + 1)].map { $0 - base }
        let valueBase = Int(outRuns[Int(base)].valueOffset)
        runs = outRuns[Int(base)..<Int(rowStarts[last + 1])].map {
            ChannelRun(channel: $0.channel, count: $0.count, valueOffset: $0.valueOffset - Int32(valueBase))
        }
        let valueEnd = runs.last.map { Int($0.valueOffset + $0.count) } ?? 0
        values = Array(outValues[valueBase..<(valueBase + valueEnd)])
        effectiveArea = area.map { Array($0[first...last]) } ?? [Double](repeating: 1, count: last - first + 1)
        contributes = Array(usable[first...last])
        hasAncillary = area != nil
        isFullResponse = matrix.isFullResponse
        identity = matrix.identity
        channels = grid
        self.instrument = instrument
        self.background = background
    }

    /// Number of model bins.
    public var modelBinCount: Int { modelGrid.count }
    /// Number of output channels.
    public var channelCount: Int { channels.count }
    /// Number of stored matrix elements (model bins × output channels that can be non-zero).
    public var storedElementCount: Int { values.count }

    /// Expected counts per output channel for `photonFlux` [photons cm⁻² s⁻¹ in each model bin]
    /// observed for `exposure` [s], written into `counts` (overwritten). Allocates nothing; the
    /// hot-path form (`CountsObserver`): buffer lengths (`modelBinCount`, `channelCount`) and a
    /// finite exposure ≥ 0 are preconditions — validate user input before (the array form
    /// below throws instead).
    public func expectedCounts(photonFlux: UnsafeBufferPointer<Double>, exposure: Double,
                               into counts: UnsafeMutableBufferPointer<Double>) {
        precondition(photonFlux.count == modelBinCount && counts.count == channelCount,
                     "\(instrument) folding: \(photonFlux.count) flux bins into \(counts.count) channels; the folder is \(modelBinCount) × \(channelCount)")
        precondition(exposure.isFinite && exposure >= 0, "\(instrument) folding: exposure \(exposure) s")
        guard let out = counts.baseAddress, let flux = photonFlux.baseAddress else { return }
        out.update(repeating: 0, count: counts.count)
        rowRunStarts.withUnsafeBufferPointer { starts in
            runs.withUnsafeBufferPointer { runs in
                values.withUnsafeBufferPointer { values in
                    effectiveArea.withUnsafeBufferPointer { area in
                        contributes.withUnsafeBufferPointer { contributes in
                            guard let runBase = runs.baseAddress, let valueBase = values.baseAddress else { return }
                            for row in 0..<modelBinCount where contributes[row] {
                                let weight = flux[row] * area[row] * exposure
                                if weight == 0 { continue }
                                for r in Int(starts[row])..<Int(starts[row &+ 1]) {
                                    let run = runBase[r]
                                    let target = out + Int(run.channel)
                                    let source = valueBase + Int(run.valueOffset)
                                    for k in 0..<Int(run.count) {
                                        target[k] += Double(source[k]) * weight
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Expected counts per output channel (allocates the result).
    /// - Throws: `InstrumentError.invalidInput` for a flux of the wrong length or an exposure that
    ///   is negative or not finite.
    public func expectedCounts(photonFlux: [Double], exposure: Double) throws(InstrumentError) -> [Double] {
        guard photonFlux.count == modelBinCount else {
            throw .invalidInput(what: "\(instrument) folding", problem: "\(photonFlux.count) flux bins given; the model grid has \(modelBinCount)")
        }
        guard exposure.isFinite, exposure >= 0 else {
            throw .invalidInput(what: "\(instrument) folding", problem: "exposure is \(exposure) s; expected a finite value ≥ 0")
        }
        var counts = [Double](repeating: 0, count: channelCount)
        photonFlux.withUnsafeBufferPointer { flux in
            counts.withUnsafeMutableBufferPointer { out in expectedCounts(photonFlux: flux, exposure: exposure, into: out) }
        }
        return counts
    }

    /// The output channels as the dataset store records them.
    public var outputChannels: DatasetChannels {
        DatasetChannels(grid: channels.energies, firstChannel: Int32(channels.firstChannel))
    }

    /// The folded matrix as a dense array `[bin][channel]` of probabilities (for tests and small grids).
    public func denseRedistribution() -> [[Double]] {
        (0..<modelBinCount).map { row in
            var line = [Double](repeating: 0, count: channelCount)
            for r in Int(rowRunStarts[row])..<Int(rowRunStarts[row + 1]) {
                let run = runs[r]
                for k in 0..<Int(run.count) { line[Int(run.channel) + k] = Double(values[Int(run.valueOffset) + k]) }
            }
            return line
        }
    }

    /// The same folder with a background prepared on its channels.
    func with(background: PreparedBackground?) -> ResponseFolder {
        var copy = self
        copy.background = background
        return copy
    }
}
