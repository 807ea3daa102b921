/// Small dense linear algebra for the optimiser (matrices of a few to a few tens of rows),
/// written out so results are bit-for-bit reproducible whatever BLAS threading does.
enum DenseAlgebra {
    /// Σ a[i]·b[i] with four 4-lane accumulators in a fixed order (deterministic).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        typealias L = SIMD4<Double>
        var s0 = L(repeating: 0), s1 = L(repeating: 0), s2 = L(repeating: 0), s3 = L(repeating: 0)
        var i = 0
        while i &+ 16 <= n {
            s0 += L(a[i], a[i &+ 1], a[i &+ 2], a[i &+ 3]) * L(b[i], b[i &+ 1], b[i &+ 2], b[i &+ 3])
            s1 += L(a[i &+ 4], a[i &+ 5], a[i &+ 6], a[i &+ 7]) * L(b[i &+ 4], b[i &+ 5], b[i &+ 6], b[i &+ 7])
            s2 += L(a[i &+ 8], a[i &+ 9], a[i &+ 10], a[i &+ 11]) * L(b[i &+ 8], b[i &+ 9], b[i &+ 10], b[i &+ 11])
            s3 += L(a[i &+ 12], a[i &+ 13], a[i &+ 14], a[i &+ 15]) * L(b[i &+ 12], b[i &+ 13], b[i &+ 14], b[i &+ 15])
            i &+= 16
        }
        let s = (s0 + s1) + (s2 + s3)
        var total = (s[0] + s[1]) + (s[2] + s[3])
        while i < n {
            total += a[i] * b[i]
            i &+= 1
        }
        return total
    }

    /// In-place Cholesky factorisation A = L Lᵀ of the n×n row-major matrix `a` (lower triangle
    /// used and overwritten). Returns false when a pivot is not positive and finite, or smaller
    /// than `relativePivot` times the original diagonal element (numerically singular).
    static func cholesky(_ a: UnsafeMutablePointer<Double>, _ n: Int, relativePivot: Double = 1e-13) -> Bool {
        for j in 0..<n {
            let original = a[j * n + j]
            var d = original
            for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
            guard d.isFinite, d > relativePivot * abs(original), d > 0 else { return false }
            let l = d.squareRoot()
            a[j * n + j] = l
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = s / l
            }
        }
        return true
    }

    /// Solves L Lᵀ x = b in place in `b` with the factor from ``cholesky(_:_:relativePivot:)``.
    static func solveCholesky(_ l: UnsafePointer<Double>, _ n: Int, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var s = b[i]
            for k in 0..<i { s -= l[i * n + k] * b[k] }
            b[i] = s / l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k * n + i] * b[k] }
            b[i] = s / l[i * n + i]
        }
    }

    /// The inverse of an SPD matrix given its Cholesky factor, as a new row-major array.
    static func inverseFromCholesky(_ l: UnsafePointer<Double>, _ n: Int) -> [Double] {
        var inverse = [Double](repeating: 0, count: n * n)
        var column = [Double](repeating: 0, count: n)
        column.withUnsafeMutableBufferPointer { c in
            for j in 0..<n {
                for i in 0..<n { c[i] = i == j ? 1 : 0 }
                solveCholesky(l, n, c.baseAddress!)
                for i in 0..<n { inverse[i * n + j] = c[i] }
            }
        }
        return inverse
    }
}
