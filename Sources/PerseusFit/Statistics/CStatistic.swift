import Foundation
import PerseusCore

/// XSPEC's C-statistic (`statistic cstat`) for a Poisson spectrum without background.
///
/// For observed counts dᵢ and predicted counts mᵢ in each fitted channel (or group),
///
///     C = 2 Σᵢ [ mᵢ − dᵢ + dᵢ (ln dᵢ − ln mᵢ) ],      the dᵢ = 0 term being 2 mᵢ.
///
/// This is −2 ln L for Poisson data plus the data-only constant that makes each term vanish when
/// mᵢ = dᵢ (Cash 1979, ApJ 228, 939; the form of XSPEC's manual, Appendix B "Statistics in
/// XSPEC", section "Poisson data"). For a good fit with enough counts per bin C behaves like χ²
/// with N − p degrees of freedom, but no null-hypothesis probability is defined in general
/// (XSPEC reports none; its `goodness` command simulates one).
///
/// **Non-positive model.** As XSPEC does, a predicted count below ``modelFloor`` (1e-5 counts,
/// including zero and negative values) is replaced by ``modelFloor`` before the terms and the
/// derivatives are computed, so a channel with data and no model gives a large but finite C that
/// pushes the fit towards a positive model.
///
/// **Degrees of freedom.** N − p: fitted channels (groups) minus free parameters.
///
/// **Derivatives for the optimiser.** With γᵢ = −½ ∂C/∂mᵢ and κᵢ = ½ ∂²C/∂mᵢ²,
/// γᵢ = dᵢ/mᵢ − 1 and κᵢ = dᵢ/mᵢ² (the same weights XSPEC's Levenberg–Marquardt uses; a channel
/// with no counts adds nothing to the curvature).
public enum CStatistic {
    /// Smallest predicted count used in a term [counts] (XSPEC's `FLOOR`).
    public static let modelFloor = 1.0e-5

    /// One channel's contribution 2 [m − d + d ln(d/m)] (2m when d = 0).
    @inlinable
    public static func term(counts d: Double, model m: Double) -> Double {
        let mf = m < modelFloor ? modelFloor : m
        guard d > 0 else { return 2 * mf }
        return 2 * (mf - d + d * Foundation.log(d / mf))
    }

    /// The optimiser's weights for one channel: γ = −½ ∂C/∂m and κ = ½ ∂²C/∂m².
    @inlinable
    public static func weights(counts d: Double, model m: Double) -> (gradient: Double, curvature: Double) {
        let mf = m < modelFloor ? modelFloor : m
        let ratio = d / mf
        return (ratio - 1, ratio / mf)
    }

    /// C for whole spectra (counts and model of equal length).
    public static func value(counts: [Double], model: [Double]) -> Double {
        precondition(counts.count == model.count, "counts and model must have the same length")
        return contributions(counts: counts, model: model).reduce(0, +)
    }

    /// Per-channel contributions to C.
    public static func contributions(counts: [Double], model: [Double]) -> [Double] {
        precondition(counts.count == model.count, "counts and model must have the same length")
        return zip(counts, model).map { term(counts: $0, model: $1) }
    }

    /// Sum of the terms over buffers, four lanes at a time with the deterministic SIMD logarithm
    /// (results agree with ``term(counts:model:)`` to a few units in the last place).
    static func sum(counts: UnsafePointer<Double>, model: UnsafePointer<Double>, count n: Int) -> Double {
        typealias L = SIMD4<Double>
        var acc = L(repeating: 0)
        let floor = L(repeating: modelFloor)
        var i = 0
        while i &+ 4 <= n {
            let d = L(counts[i], counts[i &+ 1], counts[i &+ 2], counts[i &+ 3])
            var m = L(model[i], model[i &+ 1], model[i &+ 2], model[i &+ 3])
            m.replace(with: floor, where: m .< floor)
            var ratio = d / m
            ratio.replace(with: 1, where: d .<= 0)
            acc += m - d + d * SIMDMath.log(ratio)
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
