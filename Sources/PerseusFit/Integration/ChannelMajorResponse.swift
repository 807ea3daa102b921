import PerseusIO

/// A response matrix re-laid out channel by channel for folding in a fit: for each computed
/// channel, the runs of consecutive energy rows that reach it, with their matrix values stored
/// contiguously in that order.
///
/// Folding is then one dot product per channel (`counts_c = Σ_E R[E][c] · photons_E`), which
/// keeps its sums in registers instead of adding into the output element by element, and several
/// photon vectors (the columns of a Jacobian) are folded in one pass over the matrix. Only the
/// channels of `channels` are stored, so channels outside the noticed band cost nothing.
///
/// Values are the matrix's own (float32 as stored in OGIP files); every product and sum is in
/// double precision, in a fixed order, so results are reproducible bit for bit and agree with
/// ``ResponseMatrix/fold(_:into:)`` to rounding (≈ 1e-15 relative).
///
/// Immutable: share one between threads.
struct ChannelMajorResponse: Sendable {
    /// A run of consecutive energy rows reaching one channel.
    struct Run: Sendable {
        /// First energy row.
        var row: Int32
        /// Number of rows.
        var count: Int32
        /// Offset of the first value in ``values``.
        var offset: Int32
    }

    let energyCount: Int
    let channelCount: Int
    /// The channels computed (0-based indices into the matrix's channels).
    let channels: Range<Int>
    /// For channel `channels.lowerBound + i`, its runs are `runs[runStarts[i] ..< runStarts[i + 1]]`.
    let runStarts: [Int32]
    let runs: [Run]
    let values: [Float]
    #if DEBUG
    /// The values in double precision (debug builds: saves a non-inlined conversion per product).
    let doubleValues: [Double]
    #endif

    /// Re-lays `matrix` for the channels in `channels` (clamped to the matrix's channels).
    init(matrix: ResponseMatrix, channels requested: Range<Int>? = nil) {
        let total = matrix.channelCount
        let range = (requested ?? 0..<total).clamped(to: 0..<total)
        energyCount = matrix.energyCount
        channelCount = total
        channels = range
        let width = range.count
        // Count the stored values of each channel, then place them in row order.
        var perChannel = [Int](repeating: 0, count: width + 1)
        for row in 0..<matrix.energyCount {
            for run in matrix.runs(ofRow: row) {
                let first = max(Int(run.channel), range.lowerBound), end = min(Int(run.channel) + Int(run.count), range.upperBound)
                guard first < end else { continue }
                for channel in first..<end { perChannel[channel - range.lowerBound + 1] += 1 }
            }
        }
        for i in 0..<width { perChannel[i + 1] += perChannel[i] }
        let stored = perChannel[width]
        var rows = [Int32](repeating: 0, count: stored)
        var values = [Float](repeating: 0, count: stored)
        var cursor = Array(perChannel.prefix(width))
        matrix.values.withUnsafeBufferPointer { source in
            for row in 0..<matrix.energyCount {
                for run in matrix.runs(ofRow: row) {
                    let first = max(Int(run.channel), range.lowerBound), end = min(Int(run.channel) + Int(run.count), range.upperBound)
                    guard first < end else { continue }
                    for channel in first..<end {
                        let i = channel - range.lowerBound
                        rows[cursor[i]] = Int32(row)
                        values[cursor[i]] = source[Int(run.valueOffset) + channel - Int(run.channel)]
                        cursor[i] += 1
                    }
                }
            }
        }
        // Runs of consecutive rows within each channel.
        var runStarts: [Int32] = [0]
        var runs: [Run] = []
        runStarts.reserveCapacity(width + 1)
        for i in 0..<width {
            var k = perChannel[i]
            let end = perChannel[i + 1]
            while k < end {
                var length = 1
                while k + length < end && rows[k + length] == rows[k] + Int32(length) { length += 1 }
                runs.append(Run(row: rows[k], count: Int32(length), offset: Int32(k)))
                k += length
            }
            runStarts.append(Int32(runs.count))
        }
        self.runStarts = runStarts
        self.runs = runs
        self.values = values
        #if DEBUG
        doubleValues = values.map { Double($0) }
        #endif
    }

    /// Consecutive products summed in float32 before the partial sum is added in double.
    static let chunk = 128

    /// Number of matrix values stored (the multiply-adds of one fold).
    var storedCount: Int { values.count }

    /// Folds `photons` (one per energy row) into `counts` for the computed channels; the other
    /// channels of `counts` are not written. Double precision throughout.
    func fold(_ photons: UnsafePointer<Double>, into counts: UnsafeMutablePointer<Double>) {
        #if DEBUG
        foldPlain(photons, into: counts, lanes: 1, stride: 0)
        #else
        foldVector(photons, into: counts)
        #endif
    }

    private func foldVector(_ photons: UnsafePointer<Double>, into counts: UnsafeMutablePointer<Double>) {
        typealias D = SIMD4<Double>
        runStarts.withUnsafeBufferPointer { starts in
            runs.withUnsafeBufferPointer { runs in
                values.withUnsafeBufferPointer { values in
                    guard let valueBase = values.baseAddress else {
                        for c in channels { counts[c] = 0 }
                        return
                    }
                    var channel = channels.lowerBound
                    for i in 0..<channels.count {
                        // Four vector accumulators (independent add chains) and a scalar one per
                        // channel, summed at the end in a fixed order.
                        var a0 = D.zero, a1 = D.zero, a2 = D.zero, a3 = D.zero
                        var scalar = 0.0
                        for r in Int(starts[i])..<Int(starts[i &+ 1]) {
                            let run = runs[r]
                            let v = valueBase + Int(run.offset), p = photons + Int(run.row)
                            let n = Int(run.count)
                            var k = 0
                            while k &+ 16 <= n {
                                a0 += D(UnsafeRawPointer(v + k).loadUnaligned(as: SIMD4<Float>.self))
                                    * UnsafeRawPointer(p + k).loadUnaligned(as: D.self)
                                a1 += D(UnsafeRawPointer(v + (k &+ 4)).loadUnaligned(as: SIMD4<Float>.self))
                                    * UnsafeRawPointer(p + (k &+ 4)).loadUnaligned(as: D.self)
                                a2 += D(UnsafeRawPointer(v + (k &+ 8)).loadUnaligned(as: SIMD4<Float>.self))
                                    * UnsafeRawPointer(p + (k &+ 8)).loadUnaligned(as: D.self)
                                a3 += D(UnsafeRawPointer(v + (k &+ 12)).loadUnaligned(as: SIMD4<Float>.self))
                                    * UnsafeRawPointer(p + (k &+ 12)).loadUnaligned(as: D.self)
                                k &+= 16
                            }
                            while k &+ 4 <= n {
                                a0 += D(UnsafeRawPointer(v + k).loadUnaligned(as: SIMD4<Float>.self))
                                    * UnsafeRawPointer(p + k).loadUnaligned(as: D.self)
                                k &+= 4
                            }
                            while k < n {
                                scalar += Double(v[k]) * p[k]
                                k &+= 1
                            }
                        }
                        let a = (a0 + a1) + (a2 + a3)
                        counts[channel] = ((a[0] + a[1]) + (a[2] + a[3])) + scalar
                        channel &+= 1
                    }
                }
            }
        }
    }

    /// Folds up to eight photon *differences* at once, in one pass over the matrix, in single
    /// precision: vector j (j < `lanes`, 4 or 8) is `deltas[j·energyCount ..< (j+1)·energyCount]`,
    /// and `counts[c·lanes + j]` receives vector j's folded value in channel c (computed channels
    /// only).
    ///
    /// For the columns of a finite-difference Jacobian, whose differences are ~1e-4 of the
    /// counts: products and sums over at most ``chunk`` (128) consecutive values are float32 (8
    /// per instruction), each such partial sum is added in double. The relative error of a folded
    /// difference is ≲ 1e-6 — far below the forward difference's own truncation error — and the
    /// order of operations is fixed, so results are reproducible. Each matrix value is loaded
    /// once for all the vectors, which is what counts when the matrix does not fit in the cache.
    func foldDeltas(_ deltas: UnsafePointer<Float>, lanes: Int, into counts: UnsafeMutablePointer<Double>) {
        precondition(lanes == 4 || lanes == 8, "4 or 8 lanes")
        #if DEBUG
        foldPlain(deltas, into: counts, lanes: lanes, stride: energyCount)
        #else
        if lanes == 4 {
            foldDeltas4(deltas, into: counts)
        } else {
            foldDeltas8(deltas, into: counts)
        }
        #endif
    }

    private func foldDeltas4(_ deltas: UnsafePointer<Float>, into counts: UnsafeMutablePointer<Double>) {
        typealias F = SIMD8<Float>
        typealias D = SIMD4<Double>
        let e = energyCount
        withStorage { starts, runs, valueBase in
            var out = counts + channels.lowerBound * 4
            for i in 0..<channels.count {
                var d0 = D.zero, d1 = D.zero, d2 = D.zero, d3 = D.zero
                var tail = D.zero
                for r in Int(starts[i])..<Int(starts[i &+ 1]) {
                    let run = runs[r]
                    let v = valueBase + Int(run.offset)
                    let p0 = deltas + Int(run.row), p1 = p0 + e, p2 = p1 + e, p3 = p2 + e
                    let n = Int(run.count)
                    var k = 0
                    while k &+ 8 <= n {
                        let chunkEnd = min(n, k &+ Self.chunk)
                        var a0 = F.zero, a1 = F.zero, a2 = F.zero, a3 = F.zero
                        while k &+ 8 <= chunkEnd {
                            let x = UnsafeRawPointer(v + k).loadUnaligned(as: F.self)
                            a0 += x * UnsafeRawPointer(p0 + k).loadUnaligned(as: F.self)
                            a1 += x * UnsafeRawPointer(p1 + k).loadUnaligned(as: F.self)
                            a2 += x * UnsafeRawPointer(p2 + k).loadUnaligned(as: F.self)
                            a3 += x * UnsafeRawPointer(p3 + k).loadUnaligned(as: F.self)
                            k &+= 8
                        }
                        d0 += D(a0.lowHalf) + D(a0.highHalf)
                        d1 += D(a1.lowHalf) + D(a1.highHalf)
                        d2 += D(a2.lowHalf) + D(a2.highHalf)
                        d3 += D(a3.lowHalf) + D(a3.highHalf)
                    }
                    while k < n {
                        tail += Double(v[k]) * D(Double(p0[k]), Double(p1[k]), Double(p2[k]), Double(p3[k]))
                        k &+= 1
                    }
                }
                let folded = D((d0[0] + d0[1]) + (d0[2] + d0[3]), (d1[0] + d1[1]) + (d1[2] + d1[3]),
                               (d2[0] + d2[1]) + (d2[2] + d2[3]), (d3[0] + d3[1]) + (d3[2] + d3[3])) + tail
                UnsafeMutableRawPointer(out).storeBytes(of: folded, as: D.self)
                out += 4
            }
        }
    }

    private func foldDeltas8(_ deltas: UnsafePointer<Float>, into counts: UnsafeMutablePointer<Double>) {
        typealias F = SIMD8<Float>
        typealias D = SIMD4<Double>
        let e = energyCount
        withStorage { starts, runs, valueBase in
            var out = counts + channels.lowerBound * 8
            for i in 0..<channels.count {
                // Lane j of the double accumulators: vector j's partial sums (two halves each).
                var d0 = D.zero, d1 = D.zero, d2 = D.zero, d3 = D.zero, d4 = D.zero, d5 = D.zero, d6 = D.zero, d7 = D.zero
                var tailLow = D.zero, tailHigh = D.zero
                for r in Int(starts[i])..<Int(starts[i &+ 1]) {
                    let run = runs[r]
                    let v = valueBase + Int(run.offset)
                    let p0 = deltas + Int(run.row)
                    let n = Int(run.count)
                    var k = 0
                    while k &+ 8 <= n {
                        let chunkEnd = min(n, k &+ Self.chunk)
                        var a0 = F.zero, a1 = F.zero, a2 = F.zero, a3 = F.zero, a4 = F.zero, a5 = F.zero, a6 = F.zero, a7 = F.zero
                        while k &+ 8 <= chunkEnd {
                            let x = UnsafeRawPointer(v + k).loadUnaligned(as: F.self)
                            let p = p0 + k
                            a0 += x * UnsafeRawPointer(p).loadUnaligned(as: F.self)
                            a1 += x * UnsafeRawPointer(p + e).loadUnaligned(as: F.self)
                            a2 += x * UnsafeRawPointer(p + 2 &* e).loadUnaligned(as: F.self)
                            a3 += x * UnsafeRawPointer(p + 3 &* e).loadUnaligned(as: F.self)
                            a4 += x * UnsafeRawPointer(p + 4 &* e).loadUnaligned(as: F.self)
                            a5 += x * UnsafeRawPointer(p + 5 &* e).loadUnaligned(as: F.self)
                            a6 += x * UnsafeRawPointer(p + 6 &* e).loadUnaligned(as: F.self)
                            a7 += x * UnsafeRawPointer(p + 7 &* e).loadUnaligned(as: F.self)
                            k &+= 8
                        }
                        d0 += D(a0.lowHalf) + D(a0.highHalf)
                        d1 += D(a1.lowHalf) + D(a1.highHalf)
                        d2 += D(a2.lowHalf) + D(a2.highHalf)
                        d3 += D(a3.lowHalf) + D(a3.highHalf)
                        d4 += D(a4.lowHalf) + D(a4.highHalf)
                        d5 += D(a5.lowHalf) + D(a5.highHalf)
                        d6 += D(a6.lowHalf) + D(a6.highHalf)
                        d7 += D(a7.lowHalf) + D(a7.highHalf)
                    }
                    while k < n {
                        let x = Double(v[k]), p = p0 + k
                        tailLow += x * D(Double(p[0]), Double(p[e]), Double(p[2 &* e]), Double(p[3 &* e]))
                        tailHigh += x * D(Double(p[4 &* e]), Double(p[5 &* e]), Double(p[6 &* e]), Double(p[7 &* e]))
                        k &+= 1
                    }
                }
                @inline(__always) func total(_ d: D) -> Double { (d[0] + d[1]) + (d[2] + d[3]) }
                let low = D(total(d0), total(d1), total(d2), total(d3)) + tailLow
                let high = D(total(d4), total(d5), total(d6), total(d7)) + tailHigh
                UnsafeMutableRawPointer(out).storeBytes(of: low, as: D.self)
                UnsafeMutableRawPointer(out + 4).storeBytes(of: high, as: D.self)
                out += 8
            }
        }
    }

    // The same folds as plain scalar loops in double precision, for debug builds: without
    // optimisation Swift's SIMD types go through generic code and are ~100× slower than these
    // loops. Results agree with the vector kernels to rounding. Vector j of `lanes` starts at
    // `input + j·stride`; the result of vector j in channel c goes to `counts[c·lanes + j]`.
    #if DEBUG
    func foldPlain(_ input: UnsafePointer<Double>, into counts: UnsafeMutablePointer<Double>, lanes: Int, stride: Int) {
        runStarts.withUnsafeBufferPointer { starts in self.runs.withUnsafeBufferPointer { runs in doubleValues.withUnsafeBufferPointer { doubles in
            let values = doubles.baseAddress
            var i = 0
            while i < channels.count {
                let out = counts + (channels.lowerBound &+ i) &* lanes
                var j = 0
                while j < lanes { out[j] = 0; j &+= 1 }
                var r = Int(starts[i])
                let end = Int(starts[i &+ 1])
                while r < end {
                    let run = runs[r]
                    let v = values! + Int(run.offset)
                    let count = Int(run.count)
                    j = 0
                    while j < lanes {
                        let p = input + (j &* stride &+ Int(run.row))
                        var total = 0.0, k = 0
                        while k < count { total += v[k] * p[k]; k &+= 1 }
                        out[j] += total
                        j &+= 1
                    }
                    r &+= 1
                }
                i &+= 1
            }
        } } }
    }

    func foldPlain(_ input: UnsafePointer<Float>, into counts: UnsafeMutablePointer<Double>, lanes: Int, stride: Int) {
        runStarts.withUnsafeBufferPointer { starts in self.runs.withUnsafeBufferPointer { runs in doubleValues.withUnsafeBufferPointer { doubles in
            let values = doubles.baseAddress
            var i = 0
            while i < channels.count {
                let out = counts + (channels.lowerBound &+ i) &* lanes
                var j = 0
                while j < lanes { out[j] = 0; j &+= 1 }
                var r = Int(starts[i])
                let end = Int(starts[i &+ 1])
                while r < end {
                    let run = runs[r]
                    let v = values! + Int(run.offset)
                    let count = Int(run.count)
                    j = 0
                    while j < lanes {
                        let p = input + (j &* stride &+ Int(run.row))
                        var total = 0.0, k = 0
                        while k < count { total += v[k] * Double(p[k]); k &+= 1 }
                        out[j] += total
                        j &+= 1
                    }
                    r &+= 1
                }
                i &+= 1
            }
        } } }
    }
    #endif

    /// The run starts, runs and value base address, for the kernels (the matrix is never empty
    /// when a kernel runs: an empty channel range has no channels to loop over).
    @inline(__always)
    private func withStorage(_ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Run>, UnsafePointer<Float>) -> Void) {
        runStarts.withUnsafeBufferPointer { starts in
            runs.withUnsafeBufferPointer { runs in
                values.withUnsafeBufferPointer { values in
                    body(starts, runs, values.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Float>.alignment)!)
                }
            }
        }
    }
}
