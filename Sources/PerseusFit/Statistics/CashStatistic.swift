import Foundation
import PerseusCore

/// The Cash statistic (Cash 1979, ApJ 228, 939; Sherpa's `cash`):
///
///     C_Cash = 2 Σᵢ (mᵢ − dᵢ ln mᵢ).
///
/// It is −2 ln L for Poisson data up to the data-only constant 2 Σ ln dᵢ!, so differences of
/// C_Cash between models are those of ``CStatistic`` (XSPEC's `cstat`), but its value is not
/// near N − p for a good fit and carries no goodness-of-fit meaning: no null-hypothesis
/// probability is reported.
///
/// **Non-positive model.** Predicted counts below ``CStatistic/modelFloor`` (1e-5 counts) are
/// replaced by that floor, exactly as for `cstat`, so the two statistics always differ by the same
/// constant. (Sherpa truncates at 1e-25 instead; values differ from Sherpa's only in channels with
/// data whose model is below 1e-5 counts.)
///
/// **Degrees of freedom.** N − p, as for `cstat` (reported for reference; the reduced value has
/// no meaning for Cash).
///
/// **Derivatives.** γᵢ = dᵢ/mᵢ − 1, κᵢ = dᵢ/mᵢ², identical to `cstat`.
/// **Background.** Not supported: fitting with a measured background needs `cstat` (W-statistic).
public enum CashStatistic {
    /// One channel's contribution 2 (m − d ln m).
    @inlinable
    public static func term(counts d: Double, model m: Double) -> Double {
        let mf = m < CStatistic.modelFloor ? CStatistic.modelFloor : m
        guard d > 0 else { return 2 * mf }
        return 2 * (mf - d * Foundation.log(mf))
    }

    /// γ = −½ ∂C/∂m and κ = ½ ∂²C/∂m² (those of `cstat`).
    @inlinable
    public static func weights(counts d: Double, model m: Double) -> (gradient: Double, curvature: Double) {
        CStatistic.weights(counts: d, model: m)
    }

    /// C_Cash for whole spectra.
    public static func value(counts: [Double], model: [Double]) -> Double {
        contributions(counts: counts, model: model).reduce(0, +)
    }

    /// Per-channel contributions.
    public static func contributions(counts: [Double], model: [Double]) -> [Double] {
        precondition(counts.count == model.count, "counts and model must have the same length")
        return zip(counts, model).map { term(counts: $0, model: $1) }
    }

    static func sum(counts: UnsafePointer<Double>, model: UnsafePointer<Double>, count n: Int) -> Double {
        typealias L = SIMD4<Double>
        var acc = L(repeating: 0)
        let floor = L(repeating: CStatistic.modelFloor)
        var i = 0
        while i &+ 4 <= n {
            let d = L(counts[i], counts[i &+ 1], counts[i &+ 2], counts[i &+ 3])
            var m = L(model[i], model[i &+ 1], model[i &+ 2], model[i &+ 3])
            m.replace(with: floor, where: m .< floor)
            acc += m - d * SIMDMath.log(m)
            i &+= 4
        }
        var total = (acc[0] + acc[1]) + (acc[2] + acc[3])
        while i < n {
            total += 0.5 * term(counts: counts[i], model: model[i])
            i &+= 1
        }
        return 2 * total
    }
}
