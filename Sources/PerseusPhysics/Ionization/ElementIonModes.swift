import Foundation

/// The exact solution of one element's ion-balance equations at one temperature, as eigenmodes.
///
/// For charge states q = 0 … Z (neutral first) the fractions obey df/dτ = A f, τ = n_e t
/// [s cm⁻³], with the tridiagonal generator
///     A[q][q]   = -(S_q + α_{q-1}),   A[q+1][q] = S_q,   A[q][q+1] = α_q
/// (S_Z = α_{-1} = 0). Its columns sum to zero, so Σ f is conserved, and it is similar to the
/// symmetric matrix B = D⁻¹ A D with D = diag(√π), π the equilibrium (detailed balance
/// π_{q+1}/π_q = S_q/α_q): B has the same diagonal and off-diagonals √(S_q α_q). Hence A has
/// Z+1 real eigenvalues 0 = λ_0 > λ_1 > … (distinct, as the off-diagonals are non-zero) and
///     f(τ) = Σ_k c_k e^{λ_k τ} r_k,   R c = f₀,
/// with r_0 = π and r_k the right eigenvectors of A as the columns of R.
///
/// How it is computed, and why not from B's eigenvectors:
/// * eigenvalues: from B by LAPACK's dsterf (root-free QL/QR), stable and O(n²);
/// * eigenvectors: A's eigenvectors are D times B's, and D spans hundreds of orders of
///   magnitude when the plasma starts far from equilibrium (iron heated from neutral to 5 keV:
///   π_0/π_26 ~ 1e-150). B's eigenvectors, accurate to ε in norm only, then give fractions wrong
///   by up to 9e-2 (measured against 60-digit arithmetic). So each r_k is computed from
///   A - λ_k I itself by inverse iteration with a pivoted tridiagonal LU (O(n) per vector, eight
///   eigenvalues per pass in SIMD lanes), which keeps A's natural scaling; the vectors agree
///   with LAPACK's general eigensolver to ~1e-15;
/// * coefficients: c = R⁻¹ f₀ by a pivoted LU of R (O(n³/3) once per temperature, O(n²) per
///   initial state), as LAPACK-based codes (AtomDB) do. Left eigenvectors are not used: for
///   this matrix they are r_k / π componentwise, and with π spanning 1e-150 … 1 they cannot be
///   normalised in floating point without losing the components that matter (their
///   biorthogonality with R was off by 1e-4 for cobalt at 0.15 keV, while the LU route
///   reproduces a reference matrix exponential to 1e-13 there).
///
/// Conditioning is checked rather than assumed: the amplification Σ_{k≥1} |c_k| ‖r_k‖∞ bounds
/// how much round-off in the modes can grow in f, and the τ = 0 reconstruction R c must return
/// f₀. `IonizationModes` falls back to the matrix exponential when either check fails.
struct ElementIonModes: Sendable {
    let atomicNumber: Int
    var stateCount: Int { atomicNumber + 1 }
    /// Ionisation S_q and recombination α_q rate coefficients [cm³ s⁻¹] the modes were built from.
    let ionization: [Double]
    let recombination: [Double]
    /// Collisional-equilibrium fractions π (sum 1).
    let equilibrium: [Double]
    /// The Z non-zero eigenvalues λ_k < 0, most negative first [per unit τ, i.e. cm³ s⁻¹].
    let eigenvalues: [Double]
    /// Row k (length Z+1) is the eigenvector r_k of eigenvalues[k], scaled to ‖r_k‖∞ = 1.
    let right: [Double]
    /// Pivoted LU factors of R = [π, r_0, r_1, …] (column j of R is mode j; row-major n×n:
    /// strictly lower part L without its unit diagonal, upper part U) and the row pivots.
    let luFactors: [Double]
    let luPivots: [Int]
    /// Whether R's LU had no zero pivot.
    let invertible: Bool
    /// Whether mode k's inverse iteration ended with a residual ≤ 1e-10 ‖A‖. A mode that did not
    /// (seen only for ions decoupled by ~1e-280 rates) may be used only if the initial state does
    /// not excite it (|c_k| ≤ 1e-14).
    let accurate: [Bool]

    /// Builds the modes from rates S_q, α_q (q = 0 … Z-1).
    init(atomicNumber z: Int, ionization s: [Double], recombination a: [Double]) {
        precondition(s.count == z && a.count == z && z >= 1)
        atomicNumber = z
        ionization = s
        recombination = a
        let n = z + 1
        equilibrium = Self.equilibrium(ionization: s, recombination: a)

        // Generator A as three diagonals, and B's diagonal and off-diagonal for the eigenvalues.
        var sub = [Double](repeating: 0, count: 3 * n)     // sub | diag | sup, one allocation
        for q in 0..<z {
            sub[q] = s[q]
            sub[2 * n + q] = a[q]
            sub[n + q] -= s[q]
            sub[n + q + 1] -= a[q]
        }
        // Eigenvalues from the symmetric form B: LAPACK dsterf (Pal–Walker–Kahan root-free QL/QR,
        // 1.5× faster than the square-root QL of `TridiagonalAlgebra`, which is kept as the
        // backup should dsterf report non-convergence).
        var d = Array(sub[n..<(2 * n)]), e = [Double](repeating: 0, count: n)
        for q in 0..<z { e[q] = (s[q] * a[q]).squareRoot() }
        var ok = TridiagonalAlgebra.lapackEigenvalues(d: &d, e: &e, n: n)
        if !ok {
            for i in 0..<n { d[i] = sub[n + i] }
            for q in 0..<z { e[q] = (s[q] * a[q]).squareRoot() }
            ok = d.withUnsafeMutableBufferPointer { dp in
                e.withUnsafeMutableBufferPointer { ep in
                    TridiagonalAlgebra.symmetricEigenvalues(d: dp.baseAddress!, e: ep.baseAddress!, n: n)
                }
            }
        }
        d.sort()
        // Drop the null mode (its eigenvector is π, known exactly); keep the rest strictly negative.
        d.removeLast()
        for k in 0..<z { d[k] = min(d[k], -Double.leastNormalMagnitude) }
        let values = d
        eigenvalues = values

        var right = [Double](repeating: 0, count: z * n)
        var accurate = [Bool](repeating: ok, count: z)
        var scale = 0.0
        for i in 0..<n { scale = max(scale, abs(sub[n + i])) }
        let tiny = Double.ulpOfOne * max(scale, Double.leastNormalMagnitude)
        sub.withUnsafeBufferPointer { diagonals in
            do {
                let lo = UnsafeBufferPointer(rebasing: diagonals[0..<n])
                let dg = UnsafeBufferPointer(rebasing: diagonals[n..<(2 * n)])
                let up = UnsafeBufferPointer(rebasing: diagonals[(2 * n)..<(3 * n)])
                    withUnsafeTemporaryAllocation(of: TridiagonalAlgebra.Lanes.self, capacity: 6 * n) { work in
                        let w = work.baseAddress!, x = w + 5 * n
                        right.withUnsafeMutableBufferPointer { rb in
                            let width = TridiagonalAlgebra.Lanes.scalarCount
                            for first in stride(from: 0, to: z, by: width) {
                                let lanes = min(width, z - first)
                                var shifts = TridiagonalAlgebra.Lanes(repeating: values[first + lanes - 1])
                                for j in 0..<lanes { shifts[j] = values[first + j] }
                                TridiagonalAlgebra.inverseIterationLanes(
                                    lower: lo.baseAddress!, diag: dg.baseAddress!, upper: up.baseAddress!, n: n,
                                    shifts: shifts, tiny: tiny, solves: Self.inverseIterationSolves,
                                    start: { Self.startVector($0, first) }, work: w, x: x)
                                for j in 0..<lanes {
                                    let k = first + j
                                    var residual = 0.0, finite = true
                                    for i in 0..<n {
                                        let v = x[i][j]
                                        rb[k * n + i] = v
                                        finite = finite && v.isFinite
                                        var r = (dg[i] - values[k]) * v
                                        if i > 0 { r += lo[i - 1] * x[i - 1][j] }
                                        if i < n - 1 { r += up[i] * x[i + 1][j] }
                                        residual = max(residual, abs(r))
                                    }
                                    if !(finite && residual <= 1e-10 * max(scale, abs(values[k]))) { accurate[k] = false }
                                }
                            }
                        }
                    }
            }
        }
        self.right = right
        self.accurate = accurate

        // LU of R = [π | r_0 | … | r_{Z-1}] (row-major n×n) with partial pivoting.
        var lu = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            lu[i * n] = equilibrium[i]
            for k in 0..<z { lu[i * n + k + 1] = right[k * n + i] }
        }
        var pivots = [Int](repeating: 0, count: n)
        var invertible = true
        lu.withUnsafeMutableBufferPointer { m in
            for col in 0..<n {
                var p = col
                for row in (col + 1)..<max(col + 1, n) where abs(m[row * n + col]) > abs(m[p * n + col]) { p = row }
                pivots[col] = p
                if p != col { for j in 0..<n { m.swapAt(col * n + j, p * n + j) } }
                let pivot = m[col * n + col]
                guard pivot != 0, pivot.isFinite else { invertible = false; continue }
                let inv = 1 / pivot
                for row in (col + 1)..<max(col + 1, n) {
                    let factor = m[row * n + col] * inv
                    m[row * n + col] = factor
                    if factor == 0 { continue }
                    for j in (col + 1)..<n { m[row * n + j] -= factor * m[col * n + j] }
                }
            }
        }
        luFactors = lu
        luPivots = pivots
        self.invertible = invertible
    }

    /// Solves per inverse iteration. Each solve shrinks the other modes' share of the iterate by
    /// |λ̂ - λ_k| / |λ̂ - λ_j| (λ̂ accurate to ε‖A‖), so two leave only round-off. The count is
    /// fixed on purpose: stopping as soon as the residual was small against ‖A‖ left slow modes
    /// (rows holding rates ~1e-12 when ‖A‖ ~ 1e-7) wrong at 1e-10 after one solve.
    static let inverseIterationSolves = 2

    /// Start vector of inverse iteration for modes first, first+1, … at component i: a fixed
    /// golden-ratio sequence, different per mode, with no special structure.
    @inline(__always)
    static func startVector(_ i: Int, _ first: Int) -> TridiagonalAlgebra.Lanes {
        var v = TridiagonalAlgebra.Lanes()
        for j in 0..<TridiagonalAlgebra.Lanes.scalarCount {
            let t = 0.618_033_988_749_895 * Double(i + 1) + 0.381_966_011_250_105 * Double(first + j + 1)
            v[j] = 1 + (t - t.rounded(.down))
        }
        return v
    }

    /// Equilibrium fractions from detailed balance, summed in logarithms (the ratios span
    /// thousands of orders of magnitude).
    static func equilibrium(ionization s: [Double], recombination a: [Double]) -> [Double] {
        let n = s.count + 1
        var logp = [Double](repeating: 0, count: n)
        for q in 0..<s.count { logp[q + 1] = logp[q] + log(s[q]) - log(a[q]) }
        let top = logp.max() ?? 0
        var p = logp.map { exp($0 - top) }
        let total = p.reduce(0, +)
        for i in 0..<n { p[i] /= total }
        return p
    }

    /// Mode coefficients c = R⁻¹ f₀ (c[0] multiplies π, c[k+1] mode k), written to `c`
    /// (Z + 1 values). Returns the amplification Σ_k |c_{k+1}| ‖r_k‖∞ (‖r_k‖∞ = 1), which is
    /// infinite if R is singular or f₀ excites a mode that did not converge (|c| > 1e-14).
    func coefficients(for initial: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>) -> Double {
        let n = stateCount
        guard invertible else { return .infinity }
        for i in 0..<n { c[i] = initial[i] }
        luFactors.withUnsafeBufferPointer { m in
            // Rows were swapped whole during the factorisation (P R = L U): permute first, then
            // substitute.
            for col in 0..<n {
                let p = luPivots[col]
                if p != col { let t = c[col]; c[col] = c[p]; c[p] = t }
            }
            for col in 0..<n {
                let v = c[col]
                if v != 0 { for row in (col + 1)..<max(col + 1, n) { c[row] -= m[row * n + col] * v } }
            }
            for row in stride(from: n - 1, through: 0, by: -1) {
                var v = c[row]
                for j in (row + 1)..<max(row + 1, n) { v -= m[row * n + j] * c[j] }
                c[row] = v / m[row * n + row]
            }
        }
        var amplification = 0.0
        for k in 0..<atomicNumber {
            let weight = abs(c[k + 1])
            if !accurate[k] && !(weight <= 1e-14) { return .infinity }
            amplification += weight
        }
        return amplification.isFinite ? amplification : .infinity
    }

    /// f(τ) = c[0] π + Σ_k c[k+1] e^{λ_k τ} r_k into `out` (no clamping).
    func evaluate(coefficients c: UnsafePointer<Double>, tau: Double, into out: UnsafeMutablePointer<Double>) {
        let n = stateCount
        let c0 = c[0]
        for i in 0..<n { out[i] = equilibrium[i] * c0 }
        right.withUnsafeBufferPointer { r in
            for k in 0..<atomicNumber {
                let w = c[k + 1] * exp(eigenvalues[k] * tau)
                if w == 0 { continue }
                let row = r.baseAddress! + k * n
                for i in 0..<n { out[i] += w * row[i] }
            }
        }
    }
}
