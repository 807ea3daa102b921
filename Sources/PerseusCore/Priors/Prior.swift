import Foundation

/// How a scenario chooses one parameter's value for each sample.
public enum Prior: Sendable, Equatable, CustomStringConvertible {
    /// Always this value.
    case fixed(Double)
    /// Uniform in [lower, upper).
    case uniform(lower: Double, upper: Double)
    /// Uniform in log between lower and upper (both > 0): density ∝ 1/x.
    case logUniform(lower: Double, upper: Double)
    /// Normal with the given mean and standard deviation (Box–Muller, two uniforms per draw).
    case normal(mean: Double, standardDeviation: Double)
    /// The same value as another parameter of the same sample.
    case linked(to: String)
    /// A function of other parameters of the same sample.
    case derived(ArithmeticExpression)

    /// Checks the prior's own arguments.
    /// - Throws: `PriorError.invalid` saying what is wrong.
    public func validate() throws(PriorError) {
        switch self {
        case let .fixed(v):
            guard v.isFinite else { throw .invalid("fixed value \(v) is not finite") }
        case let .uniform(lo, hi):
            guard lo.isFinite, hi.isFinite, lo < hi else { throw .invalid("uniform(\(lo), \(hi)): expected finite lower < upper") }
        case let .logUniform(lo, hi):
            guard lo.isFinite, hi.isFinite, lo > 0, lo < hi else {
                throw .invalid("loguniform(\(lo), \(hi)): expected 0 < lower < upper")
            }
        case let .normal(mean, sd):
            guard mean.isFinite, sd.isFinite, sd > 0 else { throw .invalid("normal(\(mean), \(sd)): expected a finite mean and σ > 0") }
        case let .linked(name):
            guard !name.isEmpty else { throw .invalid("link to an empty parameter name") }
        case .derived:
            break
        }
    }

    /// Whether drawing this prior consumes random numbers.
    public var isRandom: Bool {
        switch self {
        case .uniform, .logUniform, .normal: return true
        case .fixed, .linked, .derived: return false
        }
    }

    /// Names of the parameters this prior depends on.
    public var dependencies: [String] {
        switch self {
        case let .linked(name): return [name]
        case let .derived(expression): return expression.names
        default: return []
        }
    }

    /// The same prior with the names it depends on replaced by `rename(name)`.
    public func renamingDependencies<E: Error>(_ rename: (String) throws(E) -> String) throws(E) -> Prior {
        switch self {
        case let .linked(name): return .linked(to: try rename(name))
        case let .derived(expression): return .derived(try expression.renamingNames(rename))
        default: return self
        }
    }

    /// Whether every value the prior can produce lies in `range` (always false for the
    /// unbounded normal prior, and unknown — reported true — for linked and derived priors,
    /// which are checked when drawn).
    public func isContained(in range: ClosedRange<Double>) -> Bool {
        switch self {
        case let .fixed(v): return range.contains(v)
        case let .uniform(lo, hi), let .logUniform(lo, hi): return range.contains(lo) && range.contains(hi)
        case .normal: return false
        case .linked, .derived: return true
        }
    }

    /// Draws a value for a prior that does not depend on other parameters (nil otherwise).
    public func draw(using stream: inout RandomStream) -> Double? {
        switch self {
        case let .fixed(v): return v
        case let .uniform(lo, hi): return lo + (hi - lo) * stream.uniform()
        case let .logUniform(lo, hi): return Foundation.exp(Foundation.log(lo) + (Foundation.log(hi) - Foundation.log(lo)) * stream.uniform())
        case let .normal(mean, sd): return mean + sd * stream.normal()
        case .linked, .derived: return nil
        }
    }

    public var description: String {
        switch self {
        case let .fixed(v): return "\(v)"
        case let .uniform(lo, hi): return "uniform(\(lo), \(hi))"
        case let .logUniform(lo, hi): return "loguniform(\(lo), \(hi))"
        case let .normal(mean, sd): return "normal(\(mean), \(sd))"
        case let .linked(name): return "= \(name)"
        case let .derived(e): return "= \(e)"
        }
    }
}

/// Why a prior or a set of priors is not usable.
public enum PriorError: PerseusError, Equatable {
    case invalid(String)
    case unknownDependency(parameter: String, name: String, known: [String])
    case cycle([String])
    case duplicate(String)

    public var description: String {
        switch self {
        case let .invalid(message): return message
        case let .unknownDependency(parameter, name, known):
            return "\(parameter) refers to unknown parameter '\(name)'; known: \(known.joined(separator: ", "))"
        case let .cycle(names): return "parameters depend on each other in a cycle: \(names.joined(separator: " → "))"
        case let .duplicate(name): return "parameter \(name) is given more than once"
        }
    }
}
