/// One word for how a fit ended, with a stable number for status columns (0 = a clean fit).
///
/// | number | status |
/// |---|---|
/// | 0 | converged |
/// | 1 | converged, a free parameter on a limit (no curvature error for it) |
/// | 2 | converged, curvature singular or a parameter insensitive (some errors undefined) |
/// | 3 | converged by XSPEC's test at a kink of the statistic (``FitWarning/nonSmoothMinimum``: minimum and errors approximate) |
/// | 4 | converged by XSPEC's test in a flat valley (``FitWarning/flatMinimum``: position along the valley and errors unreliable) |
/// | 10–23 | bad input or nothing to fit (``FitError/statusNumber``: 20 empty band, 21 all-zero data, 22 too few channels, 23 incompatible response) |
/// | 30–31 | the model failed at the start (30 threw, 31 non-finite counts) |
/// | 40 | not converged |
public enum FitStatus: Sendable, Equatable, CustomStringConvertible {
    case converged
    case convergedAtLimit
    case convergedWithUndefinedErrors
    case convergedNonSmooth
    case convergedFlat
    case failed(FitError)

    /// The status of a result.
    public init(_ result: FitResult) {
        if result.warnings.contains(where: {
            if case .singularCurvature = $0 { return true }
            if case .insensitiveParameter = $0 { return true }
            return false
        }) {
            self = .convergedWithUndefinedErrors
        } else if result.warnings.contains(.nonSmoothMinimum) {
            self = .convergedNonSmooth
        } else if result.warnings.contains(.flatMinimum) {
            self = .convergedFlat
        } else if result.warnings.contains(where: { if case .parameterAtLimit = $0 { return true } else { return false } }) {
            self = .convergedAtLimit
        } else {
            self = .converged
        }
    }

    /// The status of a batch sample.
    public init(_ fit: SampleFit) {
        switch fit {
        case let .success(result): self.init(result)
        case let .failure(error): self = .failed(error)
        }
    }

    public var number: Int {
        switch self {
        case .converged: return 0
        case .convergedAtLimit: return 1
        case .convergedWithUndefinedErrors: return 2
        case .convergedNonSmooth: return 3
        case .convergedFlat: return 4
        case let .failed(error): return error.statusNumber
        }
    }

    /// `converged`, `converged-at-limit`, `converged-undefined-errors`, `converged-non-smooth`,
    /// `converged-flat` or
    /// the error's code.
    public var code: String {
        switch self {
        case .converged: return "converged"
        case .convergedAtLimit: return "converged-at-limit"
        case .convergedWithUndefinedErrors: return "converged-undefined-errors"
        case .convergedNonSmooth: return "converged-non-smooth"
        case .convergedFlat: return "converged-flat"
        case let .failed(error): return error.code
        }
    }

    /// Whether there is a result.
    public var hasResult: Bool {
        if case .failed = self { return false }
        return true
    }

    public var description: String { code }
}
