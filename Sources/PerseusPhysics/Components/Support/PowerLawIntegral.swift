import Foundation
import PerseusCore

/// Exact integrals of E^−Γ over energy bins, stable for every Γ including Γ = 1.
///
/// With a = 1 − Γ and L = ln(E₂/E₁),
///
///     ∫_{E₁}^{E₂} E^−Γ dE = E₁^a · L · (e^{aL} − 1)/(aL)
///
/// which is (E₂^a − E₁^a)/a for a ≠ 0 and L for a = 0 (Γ = 1). When |aL| < 0.1 the bracket is
/// summed as its series 1 + x/2! + x²/3! + … + x⁷/8! (truncation < 3e-14 relative), avoiding
/// the cancellation of E₂^a − E₁^a for narrow bins or Γ near 1; otherwise the difference of the
/// edge powers is used, each edge power computed once. A bin starting at 0 keV has the integral
/// E₂^a/a for a > 0 and diverges (+∞) for a ≤ 0 (Γ ≥ 1).
enum PowerLawIntegral {
    /// (e^x − 1)/x for |x| < 0.1.
    @inline(__always)
    static func relativeExpm1Series(_ x: Double) -> Double {
        let x2 = x * x, x4 = x2 * x2
        let low = (1.0 + 0.5 * x) + (1.0 / 6.0 + x / 24.0) * x2
        let high = (1.0 / 120.0 + x / 720.0) + (1.0 / 5040.0 + x / 40320.0) * x2
        return low + high * x4
    }

    /// ∫ E^−Γ dE over one bin from its edges, their logs and ln(hi/lo).
    @inline(__always)
    static func bin(lower: Double, upper: Double, logLower: Double, logUpper: Double, logWidth: Double,
                    exponent a: Double) -> Double {
        if lower == 0 {
            return a > 0 ? Foundation.exp(a * logUpper) / a : .infinity
        }
        let x = a * logWidth
        if abs(x) < 0.1 {
            return Foundation.exp(a * logLower) * logWidth * relativeExpm1Series(x)
        }
        return (Foundation.exp(a * logUpper) - Foundation.exp(a * logLower)) / a
    }

    /// Writes `scale · ∫ E^−Γ dE` for the bins in `bins` of `edges` into `out[bins]`.
    ///
    /// For a contiguous grid the edge powers E^a are computed once per edge with a vectorised
    /// exponential, using `out` itself as scratch; otherwise bin by bin.
    static func evaluate(edges: BinEdges, bins: Range<Int>, photonIndex: Double, scale: Double,
                         into out: UnsafeMutablePointer<Double>) {
        guard !bins.isEmpty else { return }
        let a = 1 - photonIndex
        edges.energies.withUnsafeBufferPointer { energies in
        edges.logEnergies.withUnsafeBufferPointer { logs in
        edges.logWidths.withUnsafeBufferPointer { widths in
            guard edges.isContiguous else {
                for i in bins {
                    let lo = 2 * i, hi = 2 * i + 1
                    out[i] = scale * bin(lower: energies[lo], upper: energies[hi], logLower: logs[lo],
                                         logUpper: logs[hi], logWidth: widths[i], exponent: a)
                }
                return
            }
            // out[i] ← E_i^a for the lower edges, then combine in increasing order: when bin i is
            // written, out[i + 1] still holds E_{i+1}^a. Both forms are computed and one selected,
            // so the loop has no branches and vectorises.
            let first = bins.lowerBound, last = bins.upperBound - 1
            SIMDMath.exp(scale: a, logs.baseAddress! + first, into: out + first, count: bins.count,
                          inputRange: edges.finiteLogRange)
            let lastUpperPower = Foundation.exp(a * logs[last + 1])
            let inverseA = 1 / a
            @inline(__always) func combine(_ lowerPower: Double, _ upperPower: Double, _ width: Double) -> Double {
                let x = a * width
                let series = lowerPower * width * relativeExpm1Series(x)
                let difference = (upperPower - lowerPower) * inverseA
                return scale * (abs(x) < 0.1 ? series : difference)
            }
            for i in first..<last { out[i] = combine(out[i], out[i + 1], widths[i]) }
            out[last] = combine(out[last], lastUpperPower, widths[last])
            // A bin starting at 0 keV (only the first bin of a contiguous grid can).
            if energies[first] == 0 {
                let upperPower = first == last ? lastUpperPower : Foundation.exp(a * logs[first + 1])
                out[first] = scale * (a > 0 ? upperPower / a : .infinity)
            }
        }}}
    }
}
