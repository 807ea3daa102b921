/// A sparse folded response stored channel by channel, for folding a block of spectra in one pass
/// over the matrix (`BatchFolder`'s sparse path).
///
/// For output channel c the stored elements R[i][c] of the bins i that can contribute are kept as
/// runs of consecutive model bins, bins ascending; the Float32 values are those of
/// `ResponseFolder` (the same numbers, reordered). A block of up to `maximumLanes` spectra is
/// folded with one SIMD accumulator per channel whose lane s holds spectrum s:
///
///     counts[s][c] = Σᵢ Double(R[i][c]) · w[s][i],   w[s][i] = F[s][i] · A[i] · exposure[s]
///
/// summed over i ascending, in Double, one product then one addition per term (Swift never fuses
/// them into an FMA). That is term for term the sequence `ResponseFolder.expectedCounts` adds
/// into channel c (its bins are visited in ascending order too), so every spectrum's counts are
/// bit-identical to its single-spectrum fold, whatever the block it was folded in. (The single
/// fold skips bins whose weight is 0; here such a bin adds ±0, which leaves every sum unchanged.)
///
/// Immutable and `Sendable`.
struct ChannelMajorResponse: Sendable {
    /// A run of consecutive model bins that reach one channel.
    struct BinRun: Sendable {
        let bin: Int32
        let count: Int32
        let valueOffset: Int32
    }

    /// Widest block folded in one pass over the matrix.
    static let maximumLanes = 16

    let binCount: Int
    let channelCount: Int
    /// Runs of channel c: `runs[channelRunStarts[c] ..< channelRunStarts[c + 1]]`.
    let channelRunStarts: [Int32]
    let runs: [BinRun]
    let values: [Float]
    /// Model bins that can contribute (weights of the others are never read).
    let contributes: [Bool]
    /// Effective area of each model bin [cm²].
    let effectiveArea: [Double]

    /// Reorders the row-major runs of `folder` channel by channel.
    init(_ folder: ResponseFolder) {
        let bins = folder.modelBinCount, channels = folder.channelCount
        // Elements per channel, then their positions (bins ascending within each channel).
        var perChannel = [Int](repeating: 0, count: channels + 1)
        for row in 0..<bins where folder.contributes[row] {
            for r in Int(folder.rowRunStarts[row])..<Int(folder.rowRunStarts[row + 1]) {
                let run = folder.runs[r]
                for k in 0..<Int(run.count) { perChannel[Int(run.channel) + k + 1] += 1 }
            }
        }
        for c in 0..<channels { perChannel[c + 1] += perChannel[c] }
        let total = perChannel[channels]
        var next = Array(perChannel[0..<channels])
        var elementBins = [Int32](repeating: 0, count: total)
        var elementValues = [Float](repeating: 0, count: total)
        for row in 0..<bins where folder.contributes[row] {
            for r in Int(folder.rowRunStarts[row])..<Int(folder.rowRunStarts[row + 1]) {
                let run = folder.runs[r]
                for k in 0..<Int(run.count) {
                    let c = Int(run.channel) + k
                    elementBins[next[c]] = Int32(row)
                    elementValues[next[c]] = folder.values[Int(run.valueOffset) + k]
                    next[c] += 1
                }
            }
        }
        var starts: [Int32] = [0]
        var binRuns: [BinRun] = []
        starts.reserveCapacity(channels + 1)
        for c in 0..<channels {
            var e = perChannel[c]
            while e < perChannel[c + 1] {
                let begin = e
                e += 1
                while e < perChannel[c + 1], elementBins[e] == elementBins[e - 1] + 1 { e += 1 }
                binRuns.append(BinRun(bin: elementBins[begin], count: Int32(e - begin), valueOffset: Int32(begin)))
            }
            starts.append(Int32(binRuns.count))
        }
        binCount = bins
        channelCount = channels
        channelRunStarts = starts
        runs = binRuns
        values = elementValues
        contributes = folder.contributes
        effectiveArea = folder.effectiveArea
    }

    /// Folds spectra `first ..< first + lanes` (lanes ≤ `maximumLanes`) of `flux` (spectrum after
    /// spectrum, `binCount` each) with `exposure(s)` into `counts` (spectrum after spectrum,
    /// `channelCount` each). `weights` is scratch for `binCount × maximumLanes` values.
    func foldBlock(flux: UnsafePointer<Double>, first: Int, lanes: Int, exposure: (Int) -> Double,
                   counts: UnsafeMutablePointer<Double>, weights: UnsafeMutablePointer<Double>) {
        if lanes > 8 {
            foldBlock(SIMD16<Double>.self, flux: flux, first: first, lanes: lanes, exposure: exposure, counts: counts, weights: weights)
        } else if lanes > 4 {
            foldBlock(SIMD8<Double>.self, flux: flux, first: first, lanes: lanes, exposure: exposure, counts: counts, weights: weights)
        } else {
            foldBlock(SIMD4<Double>.self, flux: flux, first: first, lanes: lanes, exposure: exposure, counts: counts, weights: weights)
        }
    }

    @inline(__always)
    private func foldBlock<Lanes: BlockLanes>(_: Lanes.Type, flux: UnsafePointer<Double>, first: Int, lanes: Int,
                                        exposure: (Int) -> Double, counts: UnsafeMutablePointer<Double>,
                                        weights: UnsafeMutablePointer<Double>) {
        let width = Lanes.width
        precondition(lanes >= 1 && lanes <= width)
        let bins = binCount, channels = channelCount
        // Weights bin-major, the block's spectra side by side (unused lanes 0): w[i·width + s].
        contributes.withUnsafeBufferPointer { contributes in
            effectiveArea.withUnsafeBufferPointer { area in
                for s in 0..<width {
                    guard s < lanes else {
                        for i in 0..<bins { weights[i &* width &+ s] = 0 }
                        continue
                    }
                    let e = exposure(first + s)
                    let f = flux + (first + s) * bins
                    for i in 0..<bins {
                        // As in `ResponseFolder`: (flux · area) · exposure; bins that cannot contribute are never read.
                        weights[i &* width &+ s] = contributes[i] ? f[i] * area[i] * e : 0
                    }
                }
            }
        }
        channelRunStarts.withUnsafeBufferPointer { starts in
            runs.withUnsafeBufferPointer { runs in
                values.withUnsafeBufferPointer { values in
                    guard let runBase = runs.baseAddress, let valueBase = values.baseAddress else {
                        for s in 0..<lanes { (counts + (first + s) * channels).update(repeating: 0, count: channels) }
                        return
                    }
                    let w = UnsafeRawPointer(weights)
                    for c in 0..<channels {
                        var sum = Lanes()
                        for r in Int(starts[c])..<Int(starts[c &+ 1]) {
                            let run = runBase[r]
                            let source = valueBase + Int(run.valueOffset)
                            let row = Int(run.bin)
                            for k in 0..<Int(run.count) {
                                let weight = w.loadUnaligned(fromByteOffset: ((row &+ k) &* width) &* 8, as: Lanes.self)
                                sum.add(Double(source[k]), times: weight)
                            }
                        }
                        for s in 0..<lanes { counts[(first &+ s) &* channels &+ c] = sum[s] }
                    }
                }
            }
        }
    }
}

/// The accumulator of one channel for a block: `width` spectra side by side. (16 lanes is the
/// widest: `SIMD32<Double>` is not kept in registers, and 32 lanes as two 16-lane halves measured
/// no faster on `perseus bench fold`.)
protocol BlockLanes {
    static var width: Int { get }
    init()
    /// self[s] += value · weight[s] for every lane (a product, then a sum; no FMA).
    mutating func add(_ value: Double, times weight: Self)
    subscript(lane: Int) -> Double { get }
}

extension SIMD4<Double>: BlockLanes {
    static var width: Int { 4 }
    @inline(__always) mutating func add(_ value: Double, times weight: Self) { self += Self(repeating: value) * weight }
}
extension SIMD8<Double>: BlockLanes {
    static var width: Int { 8 }
    @inline(__always) mutating func add(_ value: Double, times weight: Self) { self += Self(repeating: value) * weight }
}
extension SIMD16<Double>: BlockLanes {
    static var width: Int { 16 }
    @inline(__always) mutating func add(_ value: Double, times weight: Self) { self += Self(repeating: value) * weight }
}

