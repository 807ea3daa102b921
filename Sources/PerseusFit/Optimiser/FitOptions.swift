/// Settings of the optimiser. The defaults follow XSPEC's `fit` and `method leven` where XSPEC
/// defines them, with one addition that makes fits converge more tightly than XSPEC's (see
/// ``remainingDecreaseTolerance``).
public struct FitOptions: Sendable, Equatable {
    /// Maximum Levenberg–Marquardt iterations (Jacobian evaluations) per minimisation. XSPEC
    /// asks after 10 (`query`); batch fitting cannot ask, so the default is generous.
    public var maximumIterations: Int = 200
    /// XSPEC's critical delta (default 0.01, as `method leven 10 0.01`): convergence needs the last
    /// iteration to have lowered the statistic by less than this, unless the remaining decrease
    /// predicted by the quadratic model is itself below it and the last step matched its
    /// prediction to 10 % (see ``remainingDecreaseTolerance``).
    public var criticalDelta: Double = 0.01
    /// The statistic the Gauss–Newton model predicts can still be gained, βᵀα⁻¹β (≈ the squared
    /// distance to the minimum in units of σ), must also be below this. 1e-5 places the result
    /// within ≈ 0.003σ of the minimum (XSPEC's test alone can stop ≈ 0.1σ away), at the cost of
    /// about one iteration. Set it to `.infinity` for XSPEC's test alone.
    public var remainingDecreaseTolerance: Double = 1e-5
    /// Starting damping λ (XSPEC: 0.001). λ is divided by 10 after a successful step (not below
    /// 1e-30) and multiplied by 10 after a failed one.
    public var initialLambda: Double = 1e-3
    /// Update the Jacobian by Broyden's secant formula after accepted steps instead of
    /// differencing it afresh every iteration (it is still differenced at the start, after a
    /// failed step, and before convergence is declared). Saves most of the model evaluations of
    /// a fit; results agree with full differencing to within the convergence tolerance.
    public var broydenUpdates: Bool = false
    /// Forward-difference step for parameters without their own ``FitParameter/derivativeStep``:
    /// h = relativeDerivativeStep × |value|, or × the starting |value| when the value is 0, or
    /// × min(1, soft-range width)/100 when both are 0. The step is taken backwards when a forward
    /// one would leave the soft limits.
    public var relativeDerivativeStep: Double = 1e-4
    /// Fallback when Levenberg–Marquardt stalls (no step lowers the statistic, the curvature is
    /// singular, the iteration limit is reached): a Nelder–Mead simplex (GSL `nmsimplex2`)
    /// followed by Levenberg–Marquardt from its best point.
    public var useNelderMeadFallback: Bool = true
    /// Maximum simplex iterations of the fallback.
    public var nelderMeadIterations: Int = 2000
    /// If the previous stages fail, this many further Levenberg–Marquardt runs from seeded
    /// random starting points (each free value drawn log-uniformly within a factor 10 of its
    /// start when it is positive with a non-negative lower limit, otherwise uniformly within
    /// max(|start|, 1) of it; always inside the soft limits); the lowest converged one wins.
    /// 0 disables.
    public var multiStartCount: Int = 4
    /// Seed of the multi-start streams (`RandomStream(seed:purpose: .fitting, index: sample)`).
    public var seed: UInt64 = 0
    /// XSPEC's `renorm` at the start of a fit, for starts whose scale is far off: before the
    /// first iteration, if the one factor s that best scales every additive normalisation
    /// (``FitParameter/isNormalisation``) to the data — Σd/Σm for the Poisson statistics,
    /// Σ(d m/σ²)/Σ(m²/σ²) for χ² — is above this threshold or below its inverse, the
    /// normalisations are multiplied by s, and the point is kept if it lowers the statistic.
    /// Applies when every normalisation is free or linked to another one without offset (a
    /// frozen one would break the common scale). It makes starting values such as XSPEC's
    /// default norm of 1 harmless: without it the first Gauss–Newton step from a model 1000×
    /// too bright can throw the other parameters to their limits. Starts within the factor are
    /// left to Levenberg–Marquardt (XSPEC renormalises always: 1 does that); `.infinity`
    /// disables it.
    public var renormalisationThreshold: Double = 2

    public init() {}

    func validate() throws(FitError) {
        guard maximumIterations > 0 else { throw .invalidOption(name: "maximumIterations", value: "\(maximumIterations)", expected: "> 0") }
        guard criticalDelta > 0, !criticalDelta.isNaN else { throw .invalidOption(name: "criticalDelta", value: "\(criticalDelta)", expected: "> 0") }
        guard remainingDecreaseTolerance > 0, !remainingDecreaseTolerance.isNaN else {
            throw .invalidOption(name: "remainingDecreaseTolerance", value: "\(remainingDecreaseTolerance)", expected: "> 0")
        }
        guard initialLambda > 0, initialLambda.isFinite else { throw .invalidOption(name: "initialLambda", value: "\(initialLambda)", expected: "finite and > 0") }
        guard relativeDerivativeStep > 0, relativeDerivativeStep < 1 else {
            throw .invalidOption(name: "relativeDerivativeStep", value: "\(relativeDerivativeStep)", expected: "in (0, 1)")
        }
        guard nelderMeadIterations >= 0 else { throw .invalidOption(name: "nelderMeadIterations", value: "\(nelderMeadIterations)", expected: "≥ 0") }
        guard multiStartCount >= 0 else { throw .invalidOption(name: "multiStartCount", value: "\(multiStartCount)", expected: "≥ 0") }
        guard renormalisationThreshold >= 1 else {
            throw .invalidOption(name: "renormalisationThreshold", value: "\(renormalisationThreshold)", expected: "≥ 1 (or .infinity)")
        }
    }
}
