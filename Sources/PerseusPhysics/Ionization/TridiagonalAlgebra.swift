import COpenBLAS
import Foundation

/// Small dense kernels for the ionisation solver: eigenvalues of a symmetric tridiagonal matrix
/// and linear solves with a general tridiagonal matrix. Written for the n ≤ 31 systems of the
/// ion balance (one per element), where calling LAPACK costs more than the arithmetic.
enum TridiagonalAlgebra {
    /// Eigenvalues of the symmetric tridiagonal matrix with diagonal `d[0..<n]` and off-diagonal
    /// `e[0..<n-1]` (e[i] couples i and i+1), by the implicit QL algorithm with Wilkinson shifts
    /// (Bowdler, Martin, Reinsch & Wilkinson 1968; Golub & Van Loan §8.3). On return `d` holds
    /// the eigenvalues (unordered); `e` is destroyed and must have room for n entries.
    ///
    /// An off-diagonal is neglected when |e_m| ≤ ε (|d_m| + |d_m+1|): the test is relative to its
    /// own neighbours, so a graded matrix (rates from 1e-7 down to 1e-30 cm³ s⁻¹ along the
    /// diagonal) keeps its small eigenvalues to working accuracy relative to the local scale.
    /// - Returns: false if an eigenvalue needed more than 60 QL sweeps (never seen).
    static func symmetricEigenvalues(d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>, n: Int) -> Bool {
        guard n > 1 else { return true }
        e[n - 1] = 0
        for l in 0..<n {
            var sweeps = 0
            while true {
                var m = l
                while m < n - 1 {
                    let scale = abs(d[m]) + abs(d[m + 1])
                    if abs(e[m]) <= Double.ulpOfOne * scale { break }
                    m += 1
                }
                if m == l { break }
                sweeps += 1
                if sweeps > 60 { return false }
                // Wilkinson shift from the leading 2×2 block, then chase the bulge from m up to l.
                var g = (d[l + 1] - d[l]) / (2 * e[l])
                var r = radius(g, 1)
                g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r))
                var s = 1.0, c = 1.0, p = 0.0
                var i = m - 1
                var deflatedEarly = false
                while i >= l {
                    let f = s * e[i], b = c * e[i]
                    r = radius(f, g)
                    e[i + 1] = r
                    if r == 0 {
                        d[i + 1] -= p
                        e[m] = 0
                        deflatedEarly = true
                        break
                    }
                    let inverse = 1 / r
                    s = f * inverse
                    c = g * inverse
                    g = d[i + 1] - p
                    r = (d[i] - g) * s + 2 * c * b
                    p = s * r
                    d[i + 1] = g + p
                    g = c * r - b
                    i -= 1
                }
                if deflatedEarly { continue }
                d[l] -= p
                e[l] = g
                e[m] = 0
            }
        }
        return true
    }

    /// Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal `d` and
    /// off-diagonal `e` (e[i] couples i and i+1; `e` needs n entries and is destroyed) by LAPACK's
    /// `dsterf` from OpenBLAS. Returns false if it reported an error or non-convergence.
    static func lapackEigenvalues(d: inout [Double], e: inout [Double], n: Int) -> Bool {
        var size = Int32(n), info: Int32 = 0
        d.withUnsafeMutableBufferPointer { dp in
            e.withUnsafeMutableBufferPointer { ep in
                dsterf_(&size, dp.baseAddress!, ep.baseAddress!, &info)
            }
        }
        return info == 0
    }

    /// √(a² + b²) without the cost of libm's `hypot` where squaring cannot overflow or lose the
    /// result to underflow (the larger magnitude within 1e-150 … 1e150; the smaller one's square
    /// may underflow only when it is negligible); `hypot` otherwise.
    @inline(__always)
    static func radius(_ a: Double, _ b: Double) -> Double {
        let m = max(abs(a), abs(b))
        if m > 1e-150 && m < 1e150 { return (a * a + b * b).squareRoot() }
        return hypot(a, b)
    }

    /// LU factorisation with partial pivoting of a general tridiagonal matrix, kept for repeated
    /// solves (inverse iteration). Storage is caller-provided; U has two super-diagonals.
    struct Factorization {
        let n: Int
        /// Reciprocals of U's diagonal (solves multiply instead of dividing).
        let uDiagonal: UnsafeMutablePointer<Double>
        let uSuper1: UnsafeMutablePointer<Double>
        let uSuper2: UnsafeMutablePointer<Double>
        let multiplier: UnsafeMutablePointer<Double>
        let swapped: UnsafeMutablePointer<Bool>

        /// Factorises the matrix with sub-diagonal `sub[0..<n-1]` (row i+1, column i), diagonal
        /// `diag[0..<n]` minus `shift`, super-diagonal `sup[0..<n-1]` (row i, column i+1).
        /// Pivots smaller than `tiny` in magnitude are replaced by ±`tiny`, as inverse iteration
        /// on an (almost) exact eigenvalue requires.
        func factor(sub: UnsafePointer<Double>, diag: UnsafePointer<Double>, sup: UnsafePointer<Double>,
                    shift: Double, tiny: Double) {
            // Working copies: a = current diagonal, b = current first super-diagonal of row i.
            var aNext = diag[0] - shift
            var bNext = n > 1 ? sup[0] : 0
            for i in 0..<(n - 1) {
                let a = aNext, b = bNext
                let l = sub[i]
                let a1 = diag[i + 1] - shift
                let b1 = i + 1 < n - 1 ? sup[i + 1] : 0
                if abs(a) >= abs(l) {
                    let pivot = abs(a) < tiny ? (a < 0 ? -tiny : tiny) : a
                    let inverse = 1 / pivot
                    let m = l * inverse
                    uDiagonal[i] = inverse
                    uSuper1[i] = b
                    uSuper2[i] = 0
                    multiplier[i] = m
                    swapped[i] = false
                    aNext = a1 - m * b
                    bNext = b1
                } else {
                    let inverse = 1 / l
                    let m = a * inverse
                    uDiagonal[i] = inverse
                    uSuper1[i] = a1
                    uSuper2[i] = b1
                    multiplier[i] = m
                    swapped[i] = true
                    aNext = b - m * a1
                    bNext = -m * b1
                }
            }
            uDiagonal[n - 1] = 1 / (abs(aNext) < tiny ? (aNext < 0 ? -tiny : tiny) : aNext)
        }

        /// Solves in place: `x` holds the right-hand side on entry, the solution on return.
        func solve(_ x: UnsafeMutablePointer<Double>) {
            for i in 0..<(n - 1) {
                if swapped[i] {
                    let t = x[i]
                    x[i] = x[i + 1]
                    x[i + 1] = t
                }
                x[i + 1] -= multiplier[i] * x[i]
            }
            x[n - 1] *= uDiagonal[n - 1]
            if n > 1 { x[n - 2] = (x[n - 2] - uSuper1[n - 2] * x[n - 1]) * uDiagonal[n - 2] }
            if n > 2 {
                for i in stride(from: n - 3, through: 0, by: -1) {
                    x[i] = (x[i] - uSuper1[i] * x[i + 1] - uSuper2[i] * x[i + 2]) * uDiagonal[i]
                }
            }
        }
    }

    @inline(__always)
    static func magnitude(_ v: Lanes) -> Lanes { v.replacing(with: -v, where: v .< Lanes()) }

    /// SIMD lanes of `inverseIterationLanes`: eight eigenvalues per pass.
    typealias Lanes = SIMD8<Double>

    /// Eigenvectors of the tridiagonal matrix (lower, diag, upper) for eight eigenvalues at once
    /// by inverse iteration: the LU with partial pivoting of M - λ_j I and `solves` solves of
    /// (M - λ_j I) x ← x, one SIMD lane per eigenvalue. The recurrences of one solve are serial
    /// and latency-bound; running eight independent ones side by side hides that latency (≈4×
    /// faster than one at a time). Pivots smaller than `tiny` are replaced by ±`tiny`.
    ///
    /// `work` must hold 5 n `Lanes` values; on return `x[i]` (n values) holds component i of the
    /// eight vectors, each lane scaled to ‖x‖∞ = 1.
    static func inverseIterationLanes(lower: UnsafePointer<Double>, diag: UnsafePointer<Double>, upper: UnsafePointer<Double>,
                                  n: Int, shifts: Lanes, tiny: Double, solves: Int,
                                  start: (Int) -> Lanes,
                                  work: UnsafeMutablePointer<Lanes>, x: UnsafeMutablePointer<Lanes>) {
        let u0 = work, u1 = work + n, u2 = work + 2 * n, mult = work + 3 * n, swapped = work + 4 * n
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        let tinyV = Lanes(repeating: tiny)
        // Factorisation.
        var aNext = Lanes(repeating: diag[0]) - shifts
        var bNext = Lanes(repeating: n > 1 ? upper[0] : 0)
        if n > 1 {
            for i in 0..<(n - 1) {
                let a = aNext, b = bNext
                let l = Lanes(repeating: lower[i])
                let a1 = Lanes(repeating: diag[i + 1]) - shifts
                let b1 = Lanes(repeating: i + 1 < n - 1 ? upper[i + 1] : 0)
                let absA = magnitude(a), absL = magnitude(l)
                let swap = absA .< absL
                var pivot = a
                let small = absA .< tinyV
                pivot.replace(with: tinyV.replacing(with: -tinyV, where: a .< zero), where: small)
                pivot.replace(with: l, where: swap)
                let inverse = one / pivot
                let m = l.replacing(with: a, where: swap) * inverse
                u0[i] = inverse
                u1[i] = b.replacing(with: a1, where: swap)
                u2[i] = zero.replacing(with: b1, where: swap)
                mult[i] = m
                swapped[i] = zero.replacing(with: one, where: swap)
                aNext = (a1 - m * b).replacing(with: b - m * a1, where: swap)
                bNext = b1.replacing(with: -m * b1, where: swap)
            }
        }
        var last = aNext
        let smallLast = magnitude(last) .< tinyV
        last.replace(with: tinyV.replacing(with: -tinyV, where: last .< zero), where: smallLast)
        u0[n - 1] = one / last
        // Solves.
        for i in 0..<n { x[i] = start(i) }
        for _ in 0..<solves {
            if n > 1 {
                for i in 0..<(n - 1) {
                    let s = swapped[i] .> zero
                    let xi = x[i], xi1 = x[i + 1]
                    let top = xi.replacing(with: xi1, where: s)
                    let bottom = xi1.replacing(with: xi, where: s)
                    x[i] = top
                    x[i + 1] = bottom - mult[i] * top
                }
            }
            x[n - 1] *= u0[n - 1]
            if n > 1 { x[n - 2] = (x[n - 2] - u1[n - 2] * x[n - 1]) * u0[n - 2] }
            if n > 2 {
                for i in stride(from: n - 3, through: 0, by: -1) {
                    x[i] = (x[i] - u1[i] * x[i + 1] - u2[i] * x[i + 2]) * u0[i]
                }
            }
            var big = zero
            for i in 0..<n { big = pointwiseMax(big, magnitude(x[i])) }
            let scale = one / big
            for i in 0..<n { x[i] *= scale }
        }
    }
}
