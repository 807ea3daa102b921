import PerseusCore

/// Something about a successful fit the user should know.
public enum FitWarning: Sendable, Equatable, CustomStringConvertible {
    /// A free parameter ended on a soft limit (XSPEC: "pegged"); its curvature error is not
    /// defined and it is not included in the covariance.
    case parameterAtLimit(name: String, value: Double, isUpper: Bool)
    /// The statistic does not change with this parameter at the best fit (zero curvature); its
    /// error is not defined.
    case insensitiveParameter(name: String)
    /// The curvature matrix of the remaining free parameters is singular (degenerate
    /// parameters): no covariance or curvature errors.
    case singularCurvature
    /// Levenberg–Marquardt alone did not converge; the result came from a fallback.
    case usedFallback(FitMethod)
    /// The fit met XSPEC's convergence test (the statistic changed by less than the critical
    /// delta per iteration) at a point where the statistic has a kink — a jump in its derivative
    /// along one parameter, measured there (e.g. a temperature at one of apec's tabulated values,
    /// between which spectra are interpolated linearly) — so the quadratic model behind the
    /// stricter test does not hold. The minimum is approximate: near a kink the statistic can
    /// creep down by less than the critical delta per iteration for a while, so the point
    /// returned may lie a few tenths above the true minimum in the statistic (inside its
    /// Δstat = 1 region); curvature errors are indicative.
    case nonSmoothMinimum
    /// The fit met XSPEC's convergence test in a flat valley: the statistic is smooth there (no
    /// kink was found) but Levenberg–Marquardt crawled along a curved valley of poorly
    /// constrained parameters, lowering the statistic by at most the critical delta over its last
    /// 10 iterations in all. The statistic is flat to that tolerance along the valley, so where
    /// on it the point lies is poorly determined, and the curvature errors, which describe the
    /// statistic only near the point, are unreliable; use confidence intervals (profiles).
    case flatMinimum

    public var description: String {
        switch self {
        case let .parameterAtLimit(name, value, isUpper):
            return "\(name) is at its \(isUpper ? "upper" : "lower") limit \(value); no curvature error"
        case let .insensitiveParameter(name):
            return "the statistic does not depend on \(name) at the best fit; no curvature error"
        case .singularCurvature:
            return "the curvature matrix is singular (degenerate parameters); no curvature errors"
        case let .usedFallback(method):
            return "Levenberg–Marquardt stalled; converged with \(method)"
        case .nonSmoothMinimum:
            return "the statistic has a kink at the best fit (e.g. kT at a tabulated apec temperature): converged by XSPEC's test only; the minimum and curvature errors are approximate"
        case .flatMinimum:
            return "the statistic is flat (to the critical delta) along a valley of poorly constrained parameters at the best fit: converged by XSPEC's test only; the position along the valley and the curvature errors are unreliable (use confidence intervals)"
        }
    }
}

/// Which optimiser produced the result.
public enum FitMethod: String, Sendable, Equatable, CustomStringConvertible {
    case levenbergMarquardt = "levenberg-marquardt"
    case nelderMeadThenLevenbergMarquardt = "nelder-mead + levenberg-marquardt"
    case multiStart = "multi-start levenberg-marquardt"
    /// No free parameters: the statistic was evaluated once.
    case evaluation = "evaluation"
    public var description: String { rawValue }
}

/// A converged fit. (Failures are ``FitError``s, never results.)
public struct FitResult: Sendable {
    /// Name of the spectrum.
    public let spectrum: String
    /// All parameters with their best-fit values (links applied).
    public let parameters: FitParameters
    /// The statistic computed (`cstat`, `wstat`, `cash`, `chi`, `chi-gehrels`).
    public let statisticName: String
    /// The statistic at the best fit.
    public let statistic: Double
    /// Number of fitted bins (after band selection and grouping).
    public let binCount: Int
    /// Bins minus free parameters.
    public let degreesOfFreedom: Int
    /// statistic / dof, nil when dof ≤ 0.
    public var reducedStatistic: Double? { degreesOfFreedom > 0 ? statistic / Double(degreesOfFreedom) : nil }
    /// P(χ²_dof ≥ χ²) for χ² fits; nil for cstat, W and Cash (XSPEC reports none) or dof ≤ 0.
    public let nullHypothesisProbability: Double?
    /// 1σ errors (Δstat = 1) of the free parameters from the inverse curvature matrix, in
    /// ``FitParameters/freeIndices`` order; nil for a parameter at a limit, an insensitive one,
    /// or all when the curvature is singular.
    public let errors: [Double?]
    /// Covariance of the free parameters that are not at a limit (row-major, in
    /// ``covarianceIndices`` order): α⁻¹ where α = ½ ∂²S/∂θ∂θ in the Gauss–Newton
    /// approximation XSPEC uses, from the last differenced Jacobian — at the best fit, or at the
    /// start of the final Newton step (≲ 0.003σ away) as in XSPEC. Nil when singular.
    public let covariance: [Double]?
    /// Indices (into ``FitParameters/all``) of the parameters in ``covariance``.
    public let covarianceIndices: [Int]
    /// Model counts in each fitted bin at the best fit.
    public let modelCounts: [Double]
    public let method: FitMethod
    /// Levenberg–Marquardt iterations (all stages).
    public let iterations: Int
    /// Model evaluations (all stages).
    public let modelEvaluations: Int
    public let warnings: [FitWarning]

    /// Best-fit values of all parameters.
    public var values: [Double] { parameters.values }
    /// Best-fit values of the free parameters.
    public var freeValues: [Double] { parameters.freeValues }

    /// The 1σ curvature error of parameter `index` (into ``FitParameters/all``), if defined.
    public func error(ofParameter index: Int) -> Double? {
        guard let k = parameters.freeIndices.firstIndex(of: index) else { return nil }
        return errors[k]
    }
}
