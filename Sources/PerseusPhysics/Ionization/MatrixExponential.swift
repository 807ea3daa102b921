import Foundation

/// exp(M) for a small dense matrix by scaling and squaring with the [13/13] Padé approximant
/// (Higham 2005, SIAM J. Matrix Anal. Appl. 26, 1179: θ₁₃ = 5.371920351148152 and the Padé
/// coefficients b₀ … b₁₃ below are that paper's).
///
/// Used by the ionisation solver only as the fallback when the eigenmode solution fails its
/// conditioning checks. For a generator of a Markov chain (columns summing to zero) exp(Aτ) is
/// column-stochastic. Repeated squaring lets round-off in the column sums grow as ~2^s ε
/// (2e-7 after the 29 squarings of ‖Aτ‖₁ ~ 1e9, measured); with `columnStochastic` every
/// column is rescaled to sum 1 after each squaring, which removes that drift (the remaining
/// error components are damped by the squaring itself).
enum MatrixExponential {
    private static let theta13 = 5.371920351148152
    private static let b: [Double] = [
        64_764_752_532_480_000, 32_382_376_266_240_000, 7_771_770_303_897_600, 1_187_353_796_428_800,
        129_060_195_264_000, 10_559_470_521_600, 670_442_572_800, 33_522_128_640, 1_323_241_920,
        40_840_800, 960_960, 16_380, 182, 1,
    ]

    /// exp(m) for the n×n row-major matrix `m`.
    /// - Returns: nil if the Padé denominator is singular (not possible for a generator; checked).
    static func exponential(_ m: [Double], n: Int, columnStochastic: Bool = false) -> [Double]? {
        precondition(m.count == n * n)
        var norm1 = 0.0
        for j in 0..<n {
            var column = 0.0
            for i in 0..<n { column += abs(m[i * n + j]) }
            norm1 = max(norm1, column)
        }
        guard norm1.isFinite else { return nil }
        let s = norm1 > theta13 ? Int((log2(norm1 / theta13)).rounded(.up)) : 0
        let scale = pow(2.0, Double(-s))
        let a1 = m.map { $0 * scale }
        let a2 = multiply(a1, a1, n), a4 = multiply(a2, a2, n), a6 = multiply(a4, a2, n)
        let identity = (0..<(n * n)).map { $0 % (n + 1) == 0 ? 1.0 : 0.0 }

        // U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I]
        let innerU = combine([(b[13], a6), (b[11], a4), (b[9], a2)], n)
        var u = multiply(a6, innerU, n)
        u = add(u, combine([(b[7], a6), (b[5], a4), (b[3], a2), (b[1], identity)], n))
        u = multiply(a1, u, n)
        // V = A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I
        let innerV = combine([(b[12], a6), (b[10], a4), (b[8], a2)], n)
        var v = multiply(a6, innerV, n)
        v = add(v, combine([(b[6], a6), (b[4], a4), (b[2], a2), (b[0], identity)], n))

        let p = zip(v, u).map { $0 - $1 }, q = zip(v, u).map { $0 + $1 }
        guard var r = solve(p, q, n) else { return nil }
        for _ in 0..<s {
            r = multiply(r, r, n)
            if columnStochastic {
                for j in 0..<n {
                    var sum = 0.0
                    for i in 0..<n { sum += r[i * n + j] }
                    guard sum > 0 else { return nil }
                    for i in 0..<n { r[i * n + j] /= sum }
                }
            }
        }
        return r.allSatisfy(\.isFinite) ? r : nil
    }

    private static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    for i in 0..<n {
                        for k in 0..<n {
                            let aik = ap[i * n + k]
                            if aik == 0 { continue }
                            for j in 0..<n { cp[i * n + j] += aik * bp[k * n + j] }
                        }
                    }
                }
            }
        }
        return c
    }

    private static func add(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }

    private static func combine(_ terms: [(Double, [Double])], _ n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for (c, m) in terms { for i in 0..<(n * n) { out[i] += c * m[i] } }
        return out
    }

    /// Solves P X = Q (n×n, row-major) by Gaussian elimination with partial pivoting.
    private static func solve(_ p: [Double], _ q: [Double], _ n: Int) -> [Double]? {
        var a = p, x = q
        for col in 0..<n {
            var pivot = col
            for row in (col + 1)..<max(col + 1, n) where abs(a[row * n + col]) > abs(a[pivot * n + col]) { pivot = row }
            guard a[pivot * n + col] != 0 else { return nil }
            if pivot != col {
                for j in 0..<n {
                    a.swapAt(col * n + j, pivot * n + j)
                    x.swapAt(col * n + j, pivot * n + j)
                }
            }
            let inv = 1 / a[col * n + col]
            for row in (col + 1)..<max(col + 1, n) {
                let factor = a[row * n + col] * inv
                if factor == 0 { continue }
                for j in col..<n { a[row * n + j] -= factor * a[col * n + j] }
                for j in 0..<n { x[row * n + j] -= factor * x[col * n + j] }
            }
        }
        for col in stride(from: n - 1, through: 0, by: -1) {
            let inv = 1 / a[col * n + col]
            for j in 0..<n {
                var v = x[col * n + j]
                for k in (col + 1)..<max(col + 1, n) { v -= a[col * n + k] * x[k * n + j] }
                x[col * n + j] = v * inv
            }
        }
        return x
    }
}
