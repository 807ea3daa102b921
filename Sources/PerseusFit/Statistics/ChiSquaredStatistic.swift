import Foundation

/// How the variance of each channel is estimated for χ².
public enum ChiSquaredVariance: String, Sendable, Equatable, CaseIterable {
    /// Gehrels (1986, ApJ 303, 336) upper-limit approximation σ = 1 + √(N + 0.75), XSPEC's
    /// `weight gehrels` (Sherpa's `chi2gehrels`). Defined for N = 0 (σ = 1 + √0.75).
    case gehrels
    /// The observed counts, σ² = N (XSPEC's `weight standard`). A channel with N = 0 gets σ² = 1,
    /// the rule of Sherpa's `chi2xspecvar`, which reproduces XSPEC for such channels.
    case data
}

/// χ² = Σᵢ (Dᵢ − mᵢ)² / σᵢ² (XSPEC manual, Appendix B, "Gaussian data"; `statistic chi`).
///
/// Dᵢ are the observed counts, or Sᵢ − Bᵢ/rᵢ when a background spectrum is given (background
/// subtraction, as XSPEC does for χ²; rᵢ is the background-to-source exposure × BACKSCAL ×
/// AREASCAL ratio, so Bᵢ/rᵢ is the background expected in the source spectrum).
/// σᵢ² = σ²(Sᵢ) + σ²(Bᵢ)/rᵢ² with σ² from ``ChiSquaredVariance`` for each spectrum separately
/// (for `.data`, σ² = Sᵢ + Bᵢ/rᵢ², replaced by 1 when it is 0).
///
/// **Degrees of freedom.** N − p. The null-hypothesis probability is P(χ²_{N−p} ≥ χ²).
/// **Derivatives.** γᵢ = (Dᵢ − mᵢ)/σᵢ², κᵢ = 1/σᵢ² (σ does not depend on the model).
public enum ChiSquaredStatistic {
    /// σ² of one spectrum's counts N under `variance`.
    @inlinable
    public static func countVariance(_ n: Double, _ variance: ChiSquaredVariance) -> Double {
        switch variance {
        case .gehrels:
            let sigma = 1 + (n + 0.75).squareRoot()
            return sigma * sigma
        case .data:
            return n
        }
    }

    /// σᵢ² for a channel with source counts `s` and optional background counts `b` subtracted
    /// after multiplying by `backgroundScale` (= 1/r).
    @inlinable
    public static func variance(counts s: Double, backgroundCounts b: Double = 0, backgroundScale k: Double = 0,
                                variance: ChiSquaredVariance) -> Double {
        var v = countVariance(s, variance)
        if k > 0 { v += k * k * countVariance(b, variance) }
        if variance == .data && v == 0 { v = 1 }
        return v
    }

    /// One channel's (D − m)²/σ².
    @inlinable
    public static func term(data d: Double, variance v: Double, model m: Double) -> Double {
        let x = d - m
        return x * x / v
    }

    /// χ² without background.
    public static func value(counts: [Double], model: [Double], variance: ChiSquaredVariance) -> Double {
        contributions(counts: counts, model: model, variance: variance).reduce(0, +)
    }

    /// Per-channel contributions without background.
    public static func contributions(counts: [Double], model: [Double], variance: ChiSquaredVariance) -> [Double] {
        precondition(counts.count == model.count, "counts and model must have the same length")
        return zip(counts, model).map { term(data: $0, variance: Self.variance(counts: $0, variance: variance), model: $1) }
    }
}
