/// A sparse folded response stored channel by channel, for folding a block of spectra in one pass
/// over the matrix (`BatchFolder`'s sparse path).
///
/// For output channel c the stored elements R[i][c] of the bins i that can contribute are kept
/// with their bin, bins ascending; the Float32 values are those of `ResponseFolder` (the same
/// numbers, reordered). A block of up to `maximumLanes` spectra is folded with one SIMD
/// accumulator per channel whose lane s holds spectrum s:
///
///     counts[s][c] = Σᵢ Double(R[i][c]) · w[s][i],   w[s][i] = F[s][i] · A[i] · exposure[s]
///
/// summed over i ascending, in Double, one product then one addition per term (Swift never fuses
/// them into an FMA). That is term for term the sequence `ResponseFolder.expectedCounts` adds
/// into channel c (its bins are visited in ascending order too), so every spectrum's counts are
/// bit-identical to its single-spectrum fold, whatever the block it was folded in. (The single
/// fold skips bins whose weight is 0; here such a bin adds ±0, which leaves every sum unchanged.)
///
/// Speed: one channel's sum is a chain of dependent additions (each waits for the previous
/// one), so two channels are summed side by side, element by element, to keep twice as many
/// additions in flight without changing any channel's order.
///
/// Immutable and `Sendable`.
struct ChannelMajorBlocks: Sendable {
    /// Widest block folded in one pass over the matrix.
    static let maximumLanes = 16

    let binCount: Int
    let channelCount: Int
    /// Elements of channel c: `channelStarts[c] ..< channelStarts[c + 1]` of `bins` and `values`.
    let channelStarts: [Int32]
    let bins: [Int32]
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
        binCount = bins
        channelCount = channels
        channelStarts = perChannel.map { Int32($0) }
        self.bins = elementBins
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
        // Weights bin-major, the block's spectra side by side (unused lanes 0): w[i·width + s],
        // written bin after bin so that the scratch is filled in one sequential sweep.
        withUnsafeTemporaryAllocation(of: (UnsafePointer<Double>, Double).self, capacity: width) { lane in
            for s in 0..<lanes { lane[s] = (flux + (first + s) * bins, exposure(first + s)) }
            contributes.withUnsafeBufferPointer { contributes in
                effectiveArea.withUnsafeBufferPointer { area in
                    for i in 0..<bins {
                        let row = weights + i &* width
                        guard contributes[i] else { row.update(repeating: 0, count: width); continue }
                        // As in `ResponseFolder`: (flux · area) · exposure.
                        for s in 0..<lanes { row[s] = lane[s].0[i] * area[i] * lane[s].1 }
                        for s in lanes..<width { row[s] = 0 }
                    }
                }
            }
        }
        channelStarts.withUnsafeBufferPointer { starts in
            self.bins.withUnsafeBufferPointer { elementBins in
                values.withUnsafeBufferPointer { values in
                    guard let binBase = elementBins.baseAddress, let valueBase = values.baseAddress else {
                        for s in 0..<lanes { (counts + (first + s) * channels).update(repeating: 0, count: channels) }
                        return
                    }
                    let w = UnsafeRawPointer(weights)
                    let stride = width &* 8
                    @inline(__always) func add(_ sum: inout Lanes, _ e: Int) {
                        sum.add(Double(valueBase[e]), times: w.loadUnaligned(fromByteOffset: Int(binBase[e]) &* stride, as: Lanes.self))
                    }
                    @inline(__always) func store(_ sum: Lanes, _ c: Int) {
                        for s in 0..<lanes { counts[(first &+ s) &* channels &+ c] = sum[s] }
                    }
                    var c = 0
                    while c + 1 < channels {
                        // Channels c and c + 1 side by side, each in its own order.
                        let a0 = Int(starts[c]), b0 = Int(starts[c &+ 1]), end = Int(starts[c &+ 2])
                        let together = min(b0 &- a0, end &- b0)
                        var a = Lanes(), b = Lanes()
                        for j in 0..<together {
                            add(&a, a0 &+ j)
                            add(&b, b0 &+ j)
                        }
                        for e in (a0 &+ together)..<b0 { add(&a, e) }
                        for e in (b0 &+ together)..<end { add(&b, e) }
                        store(a, c)
                        store(b, c &+ 1)
                        c &+= 2
                    }
                    if c < channels {
                        var a = Lanes()
                        for e in Int(starts[c])..<Int(starts[c &+ 1]) { add(&a, e) }
                        store(a, c)
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

