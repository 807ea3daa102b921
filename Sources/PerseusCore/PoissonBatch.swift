import Foundation

/// Reusable scratch space for batched Poisson draws. Keep one per thread and pass it to every
/// call so that drawing a spectrum allocates nothing. Not for sharing between threads.
public final class PoissonWorkspace {
    @usableFromInline var capacity = 0
    /// Channels in the current PTRS round and in the next one (channel indices, in order).
    @usableFromInline var round = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    @usableFromInline var nextRound = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    /// Uniforms of the current round, by position in `round`; candidate deviates; decisions.
    @usableFromInline var u = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    @usableFromInline var v = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    @usableFromInline var k = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    @usableFromInline var accepted = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    /// Positions in the round that need PTRS's exact acceptance test.
    @usableFromInline var tested = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    /// Inversion channels and their uniforms; those whose search ran past their block's bound.
    @usableFromInline var inversion = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    @usableFromInline var inversionU = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    @usableFromInline var longSearch = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
    @usableFromInline var searchState = UnsafeMutablePointer<Double>.allocate(capacity: 16)

    /// Scratch counts for the integer form.
    @usableFromInline var counts = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    @usableFromInline var countsCapacity = 4

    public init() {}

    deinit { release(); counts.deallocate() }

    @usableFromInline
    func reserveCounts(_ count: Int) {
        guard countsCapacity < count else { return }
        counts.deallocate()
        counts = .allocate(capacity: count)
        countsCapacity = count
    }

    private func release() {
        round.deallocate(); nextRound.deallocate(); u.deallocate(); v.deallocate(); k.deallocate()
        accepted.deallocate(); tested.deallocate(); inversion.deallocate(); inversionU.deallocate()
        longSearch.deallocate(); searchState.deallocate()
    }

    /// Makes room for `count` channels, padded to whole SIMD vectors.
    @usableFromInline
    func reserve(_ count: Int) {
        let padded = (count + 3) & ~3
        guard capacity < padded else { return }
        release()
        func doubles(_ n: Int, _ value: Double) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: n); p.initialize(repeating: value, count: n); return p
        }
        func indices(_ n: Int) -> UnsafeMutablePointer<Int32> {
            let p = UnsafeMutablePointer<Int32>.allocate(capacity: n); p.initialize(repeating: 0, count: n); return p
        }
        round = indices(padded); nextRound = indices(padded); tested = indices(padded)
        inversion = indices(padded); longSearch = indices(padded)
        u = doubles(padded, 0.5); v = doubles(padded, 1); k = doubles(padded, 0); accepted = doubles(padded, 0)
        inversionU = doubles(padded, 0.5); searchState = doubles(4 * padded, 0)
        capacity = padded
    }
}

/// Batched exact Poisson draws for a whole spectrum.
///
/// The same two exact methods as `poisson(mean:)` — inversion below a mean of 10, Hörmann's
/// PTRS from 10 up — organised so that four channels are decided at once in SIMD registers,
/// without the unpredictable branches that dominate the per-draw cost:
///
/// 1. Channels are taken in order; each channel with mean ≥ 10 draws two uniforms (u, v), each
///    with 0 < mean < 10 draws one (u), each with mean 0 draws none and gets 0.
/// 2. Inversion channels: the search with their u runs four channels at a time for a fixed
///    number of steps per block; a channel whose search ran past that bound continues it after
///    step 3 with the same u and the same arithmetic, so its deviate does not depend on how
///    channels were grouped.
/// 3. PTRS channels, in rounds: four at a time, the squeeze and quick rejection; the channels
///    that need PTRS's exact acceptance test are gathered and tested four at a time (vector
///    `log` and `log1p` from `SIMDMath`). Channels rejected in a round form the next round,
///    which draws a fresh (u, v) for each of them in channel order.
/// 4. An inversion search exhausted by rounding at k = 127 (probability < 1e-15) redraws its
///    uniform, in channel order.
///
/// Every deviate is an exact Poisson draw (up to floating-point rounding), and the numbers a
/// stream yields depend only on the means, never on SIMD width, thread count or workspace
/// reuse. They differ from those of calling `poisson(mean:)` channel by channel, which consumes
/// the stream in a different order.
extension RandomStream {
    public typealias PoissonLanes = SIMD4<Double>
    @usableFromInline typealias LaneMask = SIMDMask<SIMD4<Int64>>

    /// Fills `counts` with exact Poisson deviates of `means`.
    /// - Throws: `InvalidArgument` naming the first mean that is negative, NaN or above
    ///   `PoissonMath.maximumMean`; `counts` and the stream's position are then unspecified.
    public mutating func poisson(means: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>,
                                 workspace: PoissonWorkspace) throws(InvalidArgument) {
        precondition(means.count == counts.count, "means and counts must have the same length")
        let n = means.count
        guard n > 0, let mean = means.baseAddress, let count = counts.baseAddress else { return }
        workspace.reserve(n)
        let w = workspace
        // Step 1: classify and draw, in channel order.
        var roundCount = 0, inversionCount = 0
        let round = w.round, u = w.u, v = w.v, inversion = w.inversion, inversionU = w.inversionU
        var valid = true
        for i in 0..<n {
            let m = mean[i]
            if m >= RandomStream.poissonRejectionThreshold {
                valid = valid && m <= PoissonMath.maximumMean
                round[roundCount] = Int32(truncatingIfNeeded: i)
                u[roundCount] = uniform()
                v[roundCount] = uniform()
                roundCount &+= 1
            } else if m > 0 {
                inversion[inversionCount] = Int32(truncatingIfNeeded: i)
                inversionU[inversionCount] = uniform()
                inversionCount &+= 1
            } else {
                valid = valid && m == 0
                count[i] = 0
            }
        }
        if !valid {
            for i in 0..<n where !(mean[i] >= 0 && mean[i] <= PoissonMath.maximumMean) {
                throw InvalidArgument("expected counts[\(i)] = \(mean[i]); expected a finite value in 0…\(PoissonMath.maximumMean)")
            }
        }
        PoissonMath.reciprocals.withUnsafeBufferPointer { reciprocals in
            // Step 2.
            let longSearches = Self.searchInversion(count: inversionCount, means: mean, counts: count, workspace: w,
                                                    reciprocals: reciprocals.baseAddress!)
            // Step 3.
            PoissonMath.logFactorials.withUnsafeBufferPointer { logFactorials in
                var remaining = roundCount
                while remaining > 0 {
                    remaining = Self.decidePTRS(count: remaining, means: mean, counts: count, workspace: w,
                                                logFactorials: logFactorials.baseAddress!)
                    for q in 0..<remaining {
                        u[q] = uniform()
                        v[q] = uniform()
                    }
                }
            }
            // Step 4 (and the continuation of step 2).
            let searchState = w.searchState, longSearch = w.longSearch
            for q in 0..<longSearches {
                let state = searchState + 4 * q
                let i = Int(longSearch[q])
                count[i] = continueInversion(mean: mean[i], u: state[3], k: state[0], probability: state[1],
                                             cumulative: state[2], reciprocals: reciprocals.baseAddress!)
            }
        }
    }

    /// Fills `counts` with exact Poisson deviates of `means` as 32-bit integers (the dataset
    /// store's type); the same draws as the `Double` form.
    public mutating func poisson(means: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Int32>,
                                 workspace: PoissonWorkspace) throws(InvalidArgument) {
        precondition(means.count == counts.count, "means and counts must have the same length")
        workspace.reserveCounts(means.count)
        let buffer = UnsafeMutableBufferPointer(start: workspace.counts, count: means.count)
        try poisson(means: means, into: buffer, workspace: workspace)
        for i in 0..<means.count { counts[i] = Int32(buffer[i]) }
    }

    /// Poisson deviates of `means` (batched algorithm; allocates a workspace).
    public mutating func poisson(means: [Double]) throws(InvalidArgument) -> [Double] {
        var out = [Double](repeating: 0, count: means.count)
        let workspace = PoissonWorkspace()
        try means.withUnsafeBufferPointer { (m) throws(InvalidArgument) in
            try out.withUnsafeMutableBufferPointer { (o) throws(InvalidArgument) in
                try poisson(means: m, into: o, workspace: workspace)
            }
        }
        return out
    }

    /// One PTRS round over the channels in `workspace.round` with the uniforms in
    /// `workspace.u`/`v` (by position). Writes accepted deviates to `counts`, moves the rejected
    /// channels, in order, to the front of `workspace.round`, and returns how many there are.
    static func decidePTRS(count roundCount: Int, means: UnsafePointer<Double>, counts: UnsafeMutablePointer<Double>,
                           workspace w: PoissonWorkspace, logFactorials: UnsafePointer<Double>) -> Int {
        let round = w.round, nextRound = w.nextRound, uniformU = w.u, uniformV = w.v
        let candidate = w.k, accepted = w.accepted, tested = w.tested
        // Pad the lists to whole vectors with a harmless entry (lanes past the end are computed
        // and ignored; their results are never stored).
        for q in roundCount..<((roundCount + 3) & ~3) { round[q] = round[0]; uniformU[q] = 0.5; uniformV[q] = 1 }
        var testedCount = 0
        var q = 0
        while q < roundCount {
            let m = Self.gather(means, round + q)
            let u = UnsafeRawPointer(uniformU + q).loadUnaligned(as: PoissonLanes.self)
            let v = UnsafeRawPointer(uniformV + q).loadUnaligned(as: PoissonLanes.self)
            let attempt = PTRSLanes(mean: m).squeeze(u: u, v: v)
            UnsafeMutableRawPointer(candidate + q).storeBytes(of: attempt.k, as: PoissonLanes.self)
            UnsafeMutableRawPointer(accepted + q).storeBytes(
                of: PoissonLanes(repeating: 0).replacing(with: 1, where: attempt.squeezed), as: PoissonLanes.self)
            let needs = PoissonLanes(repeating: 0).replacing(with: 1, where: attempt.needsTest)
            let base = Int32(truncatingIfNeeded: q)
            tested[testedCount] = base; testedCount &+= Int(needs[0])
            tested[testedCount] = base &+ 1; testedCount &+= Int(needs[1])
            tested[testedCount] = base &+ 2; testedCount &+= Int(needs[2])
            tested[testedCount] = base &+ 3; testedCount &+= Int(needs[3])
            q += 4
        }
        // Lanes beyond the round's end were computed too: drop any of them from the test list.
        while testedCount > 0 && Int(tested[testedCount - 1]) >= roundCount { testedCount -= 1 }
        for t in testedCount..<((testedCount + 3) & ~3) { tested[t] = tested[0] }
        var t = 0
        while t < testedCount {
            let p0 = Int(tested[t]), p1 = Int(tested[t + 1]), p2 = Int(tested[t + 2]), p3 = Int(tested[t + 3])
            let m = PoissonLanes(means[Int(round[p0])], means[Int(round[p1])], means[Int(round[p2])], means[Int(round[p3])])
            let u = PoissonLanes(uniformU[p0], uniformU[p1], uniformU[p2], uniformU[p3])
            let v = PoissonLanes(uniformV[p0], uniformV[p1], uniformV[p2], uniformV[p3])
            let k = PoissonLanes(candidate[p0], candidate[p1], candidate[p2], candidate[p3])
            let passed = PoissonLanes(repeating: 0).replacing(
                with: 1, where: PTRSLanes(mean: m).exactTest(u: u, v: v, k: k, logFactorials: logFactorials))
            // Padding lanes repeat entry 0 of the list, which is tested genuinely: writing its
            // (identical) result again is harmless.
            accepted[p0] = max(accepted[p0], passed[0]); accepted[p1] = max(accepted[p1], passed[1])
            accepted[p2] = max(accepted[p2], passed[2]); accepted[p3] = max(accepted[p3], passed[3])
            t += 4
        }
        // Every channel's candidate is written; a rejected channel's is overwritten in a later
        // round, so each channel ends with its accepted deviate (and no branch is mispredicted).
        var remaining = 0
        for position in 0..<roundCount {
            let i = round[position]
            counts[Int(i)] = candidate[position]
            nextRound[remaining] = i
            remaining &+= Int(1 - accepted[position])
        }
        swap(&w.round, &w.nextRound)
        return remaining
    }

    /// Four values of `base` at the indices `indices[0…3]` (one vector load when the indices
    /// are consecutive, as they usually are for a spectrum's channels).
    @inline(__always)
    static func gather(_ base: UnsafePointer<Double>, _ indices: UnsafePointer<Int32>) -> PoissonLanes {
        let first = Int(indices[0])
        if Int(indices[1]) == first + 1 && Int(indices[2]) == first + 2 && Int(indices[3]) == first + 3 {
            return UnsafeRawPointer(base + first).loadUnaligned(as: PoissonLanes.self)
        }
        return PoissonLanes(base[first], base[Int(indices[1])], base[Int(indices[2])], base[Int(indices[3])])
    }

    /// The inversion search, four channels at a time, for every channel in
    /// `workspace.inversion`. Returns how many searches ran past their block's bound (their
    /// state is in `workspace.longSearch` / `searchState`).
    static func searchInversion(count inversionCount: Int, means: UnsafePointer<Double>, counts: UnsafeMutablePointer<Double>,
                                workspace w: PoissonWorkspace, reciprocals: UnsafePointer<Double>) -> Int {
        let inversion = w.inversion, inversionU = w.inversionU, longSearch = w.longSearch, searchState = w.searchState
        for q in inversionCount..<((inversionCount + 3) & ~3) { inversion[q] = inversion[0]; inversionU[q] = 0.5 }
        var longSearches = 0
        var q = 0
        while q < inversionCount {
            let m = Self.gather(means, inversion + q)
            let u = UnsafeRawPointer(inversionU + q).loadUnaligned(as: PoissonLanes.self)
            // Steps: mean + 2√mean + 2 for the block's largest mean, within which ~97% of
            // searches end; the others continue one by one afterwards.
            let largest = max(max(m[0], m[1]), max(m[2], m[3]))
            let steps = min(PoissonMath.inversionLimit, Int(largest + 2 * largest.squareRoot() + 2))
            var p = SIMDMath.exp(-m)
            var cumulative = p
            // k counts the steps whose cumulative probability is still below u (a true mask lane
            // is −1 as an integer, so subtracting the mask adds one).
            var count = SIMD4<Int64>(repeating: 0) &- unsafeBitCast(u .> cumulative, to: SIMD4<Int64>.self)
            if steps >= 1 {
                for j in 1...steps {
                    p = p * m * reciprocals[j]
                    cumulative = cumulative + p
                    count &-= unsafeBitCast(u .> cumulative, to: SIMD4<Int64>.self)
                }
            }
            let k = PoissonLanes(Double(count[0]), Double(count[1]), Double(count[2]), Double(count[3]))
            let lanes = min(4, inversionCount - q)
            let unfinished = PoissonLanes(repeating: 0).replacing(with: 1, where: u .> cumulative)
            counts[Int(inversion[q])] = k[0]
            if lanes > 1 { counts[Int(inversion[q + 1])] = k[1] }
            if lanes > 2 { counts[Int(inversion[q + 2])] = k[2] }
            if lanes > 3 { counts[Int(inversion[q + 3])] = k[3] }
            if unfinished[0] + unfinished[1] + unfinished[2] + unfinished[3] > 0 {
                for lane in 0..<lanes where unfinished[lane] == 1 {
                    longSearch[longSearches] = inversion[q + lane]
                    let state = searchState + 4 * longSearches
                    state[0] = Double(steps); state[1] = p[lane]; state[2] = cumulative[lane]; state[3] = u[lane]
                    longSearches += 1
                }
            }
            q += 4
        }
        return longSearches
    }

    /// Continues an inversion search that ran past its block's bound, with the same uniform and
    /// the same arithmetic. If rounding exhausts the search at k = 127, redraws the uniform.
    mutating func continueInversion(mean: Double, u: Double, k: Double, probability: Double, cumulative: Double,
                                    reciprocals: UnsafePointer<Double>) -> Double {
        var k = Int(k), p = probability, c = cumulative
        let limit = PoissonMath.inversionLimit
        while u > c && k < limit {
            k += 1
            p = p * mean * reciprocals[k]
            c = c + p
        }
        if u <= c { return Double(k) }
        let p0 = SIMDMath.exp(PoissonLanes(repeating: -mean))[0]
        while true {
            let fresh = uniform()
            var j = 0
            var q = p0, cum = p0
            while fresh > cum && j < limit {
                j += 1
                q = q * mean * reciprocals[j]
                cum = cum + q
            }
            if fresh <= cum { return Double(j) }
        }
    }
}

/// Hörmann's PTRS for four means (each ≥ 10) at once.
struct PTRSLanes {
    typealias Lanes = SIMD4<Double>
    typealias Mask = SIMDMask<SIMD4<Int64>>
    let mean: Lanes
    let a: Lanes
    let b: Lanes

    @inline(__always)
    init(mean: Lanes) {
        self.mean = mean
        b = 0.931 + 2.53 * mean.squareRoot()
        a = -0.059 + 0.02483 * b
    }

    @inline(__always)
    func centred(_ u: Lanes) -> (centred: Lanes, us: Lanes) {
        let c = u - 0.5
        return (c, 0.5 - c.replacing(with: -c, where: c .< 0))
    }

    /// The candidate deviate, whether the squeeze accepts it, and whether it needs the exact
    /// test (neither squeezed nor quickly rejected).
    @inline(__always)
    func squeeze(u: Lanes, v: Lanes) -> (k: Lanes, squeezed: Mask, needsTest: Mask) {
        let (c, us) = centred(u)
        let x = (2 * a / us + b) * c + mean + 0.43
        let nearest = (x + 0x1.8p52) - 0x1.8p52
        let k = nearest.replacing(with: nearest - 1, where: nearest .> x)
        // v ≤ 0.9277 − 3.6224/(b − 2), multiplied through by b − 2 > 0 (b ≥ 8.9 for mean ≥ 10).
        let bMinus2 = b - 2
        let squeezed = (us .>= 0.07) .& (v * bMinus2 .<= 0.9277 * bMinus2 - 3.6224)
        // Quick rejection; x ≥ 2^51 means k far beyond any allowed mean: certainly rejected by
        // the exact test (and beyond where the rounding trick above is exact).
        let hopeless = (k .< 0) .| ((us .< 0.013) .& (v .> us)) .| (x .>= 0x1p51)
        return (k, squeezed, .!squeezed .& .!hopeless)
    }

    /// PTRS's exact acceptance test log(v·α⁻¹/(a/us² + b)) ≤ log P(k), where
    /// log P(k) = k log m − m − log k! uses tabulated log k! below 4096 and, above,
    /// k log1p((m − k)/k) + (k − m) − ½ log 2πk − (Stirling remainder).
    @inline(__always)
    func exactTest(u: Lanes, v: Lanes, k: Lanes, logFactorials: UnsafePointer<Double>) -> Mask {
        let (_, us) = centred(u)
        // log(v · α⁻¹ / (a/us² + b)) with α⁻¹ = 1.1239 + 1.1328/(b − 3.4), as one quotient.
        let bMinus34 = b - 3.4
        let us2 = us * us
        let lhs = SIMDMath.log(v * (1.1239 * bMinus34 + 1.1328) * us2 / (bMinus34 * (a + b * us2)))
        let tabulated = k .< Lanes(repeating: Double(PoissonMath.logFactorialCount))
        var rhs = Lanes(repeating: 0)
        if any(tabulated) {
            // Indices clamped into the table: lanes outside it are replaced below.
            let index = k.replacing(with: 0, where: k .< 0).replacing(with: 0, where: .!tabulated)
            let logFactorial = Lanes(logFactorials[Int(index[0])], logFactorials[Int(index[1])],
                                     logFactorials[Int(index[2])], logFactorials[Int(index[3])])
            rhs = k * SIMDMath.log(mean) - mean - logFactorial
        }
        if any(.!tabulated) {
            let safeK = k.replacing(with: 1e4, where: tabulated)
            let inverse = 1 / safeK
            let inverse2 = inverse * inverse
            var series: Lanes = 1.0 / 1260 - inverse2 * (1.0 / 1680)
            series = 1.0 / 360 - inverse2 * series
            series = 1.0 / 12 - inverse2 * series
            let remainder = inverse * series
            let leading: Lanes = safeK * SIMDMath.log1p((mean - safeK) * inverse) + (safeK - mean)
            let halfLog2πk: Lanes = 0.5 * SIMDMath.log(2 * Double.pi * safeK)
            let stirling = leading - halfLog2πk - remainder
            rhs.replace(with: stirling, where: .!tabulated)
        }
        return lhs .<= rhs
    }
}
