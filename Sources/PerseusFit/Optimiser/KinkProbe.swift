import Foundation

/// Evidence that the statistic has a kink (a jump in its first derivative) at a point, which is
/// what a ``FitWarning/nonSmoothMinimum`` claims.
///
/// For each free parameter k (the others held) the probe measures the even second difference
/// D(τ) = S(x + τ eₖ) + S(x − τ eₖ) − 2 S(x) at the scales τ = σₖ, σₖ/4, σₖ/16, … down to the
/// parameter's derivative step, σₖ = 1/√αₖₖ being its conditional 1σ scale (Δstat = 1). Where
/// the statistic is smooth, D(τ) = S″τ² + O(τ⁴), so D(τ)/D(τ/4) ≈ 16; across a kink whose slopes
/// differ by J, within a distance a ≪ τ/4 of x, D(τ) ≈ J(τ − a) + S″τ², and the ratio falls
/// towards 4. A kink is reported when, for some parameter and scale, both D(τ) and D(τ/4) are
/// positive and above the statistic's rounding level (10⁻⁶ max(1, |S|)) and D(τ)/D(τ/4) < 8 —
/// the geometric middle of 4 and 16; for a convex kink at x this holds at every scale τ < J/αₖₖ,
/// i.e. wherever the kink, not the curvature, shapes the statistic.
///
/// Limits (documented, own choice): only kinks across a hyperplane of one parameter are seen —
/// the non-smoothness of tabulated and binned models (a temperature at one of apec's tabulated
/// values, a redshift moving unbroadened lines across channel edges) is of that kind; a point
/// farther than about σₖ/16 from the kink may not show it (Levenberg–Marquardt is then asked to
/// continue, and the probe is repeated at the next stall). Scales that would leave the soft
/// limits are skipped. Cost: at most 2 model evaluations per scale per free parameter, made only
/// when the iteration has stalled.
extension Minimiser {
    /// Probes every active free parameter at `x` (whose statistic is `statistic` and whose
    /// counts are in `workspace.current`, untouched) and returns the first with kink evidence.
    /// Uses `workspace.trial` and `workspace.trialFree` as scratch; α must be that of `x`.
    func kinkedParameter(_ x: UnsafePointer<Double>, statistic: Double) -> Int? {
        let n = freeCount
        let alpha = workspace.alpha.pointer
        let probe = workspace.trialFree.pointer
        let out = workspace.trial.pointer
        let floor = 1e-6 * max(1, abs(statistic))
        for k in active {
            let curvature = alpha[k * n + k]
            guard curvature > 0, curvature.isFinite else { continue }
            let sigma = 1 / curvature.squareRoot()
            let smallest = derivativeStep(k, at: x[k])
            for j in 0..<n { probe[j] = x[j] }
            var tau = sigma
            var previous = Double.nan   // D at 4τ
            while tau >= smallest {
                var second = Double.nan
                if x[k] - tau >= lower[k] && x[k] + tau <= upper[k] {
                    probe[k] = x[k] + tau
                    let up = evaluate(probe, into: out)
                    probe[k] = x[k] - tau
                    let down = evaluate(probe, into: out)
                    probe[k] = x[k]
                    second = up + down - 2 * statistic
                }
                if previous.isFinite && second.isFinite && previous > floor && second > floor && previous < 8 * second {
                    return k
                }
                previous = second
                tau /= 4
            }
        }
        return nil
    }
}
