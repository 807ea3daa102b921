import Foundation

/// XSPEC's W-statistic: `cstat` with a measured Poisson background (XSPEC manual, Appendix B
/// "Statistics in XSPEC", section "Poisson data with Poisson background"; Wachter, Leach &
/// Kellogg 1979, ApJ 230, 274).
///
/// The background spectrum Bᵢ is a Poisson measurement of the background in a region (or time)
/// whose exposure × area is r times that of the source spectrum:
///
///     r = (t_b · BACKSCAL_b · AREASCAL_b) / (t_s · BACKSCAL_s · AREASCAL_s),
///
/// which is XSPEC's t_b/t_s once the BACKSCAL ratio is folded into t_b. Each channel's background
/// level is a nuisance parameter fᵢ (expected background counts in the *source* spectrum; rᵢ·fᵢ
/// in the background spectrum) that is profiled out in closed form. With Sᵢ source counts and
/// μᵢ predicted source counts (XSPEC's t_s mᵢ; all quantities below are counts, i.e. XSPEC's
/// formulas with t_s = 1, t_b = r):
///
///     W = 2 Σᵢ [ μᵢ + (1 + r) fᵢ − Sᵢ ln(μᵢ + fᵢ) − Bᵢ ln(r fᵢ) − Sᵢ (1 − ln Sᵢ) − Bᵢ (1 − ln Bᵢ) ]
///     fᵢ = [ Sᵢ + Bᵢ − (1 + r) μᵢ + dᵢ ] / (2 (1 + r)),
///     dᵢ = √( [(1 + r) μᵢ − Sᵢ − Bᵢ]² + 4 (1 + r) Bᵢ μᵢ ),
///
/// fᵢ being the positive root of (1 + r) f² + [(1 + r) μ − S − B] f − B μ = 0, taken in the form
/// that avoids cancellation. Special cases (the limits of the general form, as XSPEC writes them):
/// - Sᵢ = 0: Wᵢ = 2 [ μᵢ − Bᵢ ln(r / (1 + r)) ];
/// - Bᵢ = 0, Sᵢ > 0: if μᵢ ≤ Sᵢ / (1 + r), Wᵢ = 2 [ −r μᵢ + Sᵢ ln(1 + r) ] (the best background
///   fills the excess); otherwise Wᵢ = 2 [ μᵢ + Sᵢ (ln Sᵢ − ln μᵢ − 1) ] (fᵢ = 0, plain cstat).
///
/// Predicted counts below ``CStatistic/modelFloor`` (1e-5) are raised to it first, as XSPEC does.
///
/// **Degrees of freedom.** N − p, as XSPEC reports: the profiled background levels are not
/// counted. No null-hypothesis probability is defined.
///
/// **Derivatives.** By the envelope theorem (f minimises W at fixed μ) γᵢ = −½ dWᵢ/dμᵢ =
/// Sᵢ/(μᵢ + fᵢ) − 1; the curvature including df/dμ is κᵢ = ½ d²Wᵢ/dμᵢ² =
/// 1 / [ (μᵢ + fᵢ)²/Sᵢ + fᵢ²/Bᵢ ]. Special cases: Sᵢ = 0 gives γ = −1, κ = 0; Bᵢ = 0 gives
/// γ = r, κ = 0 below the switch and the `cstat` weights above it. These equal XSPEC's.
public enum WStatistic {
    /// The profiled background fᵢ [counts in the source spectrum] for one channel.
    @inlinable
    public static func background(counts s: Double, backgroundCounts b: Double, ratio r: Double, model m: Double) -> Double {
        let mu = m < CStatistic.modelFloor ? CStatistic.modelFloor : m
        let a = 1 + r
        let bq = a * mu - s - b
        let d = (bq * bq + 4 * a * b * mu).squareRoot()
        // Positive root without cancellation.
        return bq >= 0 ? 2 * b * mu / (bq + d) : (d - bq) / (2 * a)
    }

    /// One channel's contribution to W.
    @inlinable
    public static func term(counts s: Double, backgroundCounts b: Double, ratio r: Double, model m: Double) -> Double {
        let mu = m < CStatistic.modelFloor ? CStatistic.modelFloor : m
        let a = 1 + r
        if s == 0 {
            return 2 * (mu - b * Foundation.log(r / a))
        }
        if b == 0 {
            if mu <= s / a { return 2 * (-r * mu + s * Foundation.log(a)) }
            return 2 * (mu + s * (Foundation.log(s) - Foundation.log(mu) - 1))
        }
        let f = background(counts: s, backgroundCounts: b, ratio: r, model: mu)
        return 2 * (mu + a * f - s * Foundation.log(mu + f) - b * Foundation.log(r * f)
                    - s * (1 - Foundation.log(s)) - b * (1 - Foundation.log(b)))
    }

    /// γ = −½ dW/dμ and κ = ½ d²W/dμ² for one channel (background profiled).
    @inlinable
    public static func weights(counts s: Double, backgroundCounts b: Double, ratio r: Double,
                               model m: Double) -> (gradient: Double, curvature: Double) {
        let mu = m < CStatistic.modelFloor ? CStatistic.modelFloor : m
        if s == 0 { return (-1, 0) }
        if b == 0 {
            if mu <= s / (1 + r) { return (r, 0) }
            return (s / mu - 1, s / (mu * mu))
        }
        let f = background(counts: s, backgroundCounts: b, ratio: r, model: mu)
        let total = mu + f
        return (s / total - 1, 1 / (total * total / s + f * f / b))
    }

    /// W for whole spectra; `ratios` holds one r per channel.
    public static func value(counts: [Double], backgroundCounts: [Double], ratios: [Double], model: [Double]) -> Double {
        contributions(counts: counts, backgroundCounts: backgroundCounts, ratios: ratios, model: model).reduce(0, +)
    }

    /// Per-channel contributions to W.
    public static func contributions(counts: [Double], backgroundCounts: [Double], ratios: [Double], model: [Double]) -> [Double] {
        precondition(counts.count == model.count && backgroundCounts.count == model.count && ratios.count == model.count,
                     "counts, background counts, ratios and model must have the same length")
        return model.indices.map { term(counts: counts[$0], backgroundCounts: backgroundCounts[$0], ratio: ratios[$0], model: model[$0]) }
    }
}
