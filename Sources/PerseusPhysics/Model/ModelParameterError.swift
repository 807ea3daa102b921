import PerseusCore

/// A parameter address, value, bound or link that a ``Model`` cannot accept. Nothing in the
/// model changes when one is thrown.
public enum ModelParameterError: PerseusError, Equatable {
    /// The component part of an address matches no component instance.
    case unknownComponent(address: String, valid: [String])
    /// The component part abbreviates several instances.
    case ambiguousComponent(address: String, candidates: [String])
    /// The parameter part matches no parameter of the component (or of the model).
    case unknownParameter(address: String, valid: [String])
    /// The parameter part abbreviates several parameters.
    case ambiguousParameter(address: String, candidates: [String])
    /// An address or assignment that is not of the form `component.parameter[=value]`.
    case malformedAddress(String)
    /// A value outside the parameter's hard limits (or not finite).
    case outOfLimits(parameter: String, value: Double, min: Double, max: Double)
    /// Soft bounds that are inverted or leave the hard limits.
    case invalidBounds(parameter: String, min: Double, max: Double, hardMin: Double, hardMax: Double)
    /// A value set on a linked parameter.
    case linked(parameter: String, link: String)
    /// A link that would make a parameter depend on itself.
    case linkCycle(parameter: String, through: [String])
    /// A link expression that is not a linear function of one parameter.
    case malformedLink(text: String, column: Int, message: String)
    /// A free-parameter vector of the wrong length.
    case freeValueCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .unknownComponent(address, valid):
            return "no component matches '\(address)'; components: \(valid.joined(separator: ", "))"
        case let .ambiguousComponent(address, candidates):
            return "'\(address)' is ambiguous: it matches components \(candidates.joined(separator: ", "))"
        case let .unknownParameter(address, valid):
            return "no parameter matches '\(address)'; valid: \(valid.joined(separator: ", "))"
        case let .ambiguousParameter(address, candidates):
            return "'\(address)' is ambiguous: it matches \(candidates.joined(separator: ", "))"
        case let .malformedAddress(text):
            return "cannot read '\(text)'; expected COMPONENT.PARAMETER (e.g. apec.kT, apec_2.Abundanc, tbabs.nH) or COMPONENT.PARAMETER=VALUE"
        case let .outOfLimits(parameter, value, min, max):
            return "\(parameter) = \(value) is outside its hard limits [\(min), \(max)]"
        case let .invalidBounds(parameter, min, max, hardMin, hardMax):
            return "soft bounds [\(min), \(max)] for \(parameter) are invalid; expected min ≤ max within the hard limits [\(hardMin), \(hardMax)]"
        case let .linked(parameter, link):
            return "\(parameter) is linked (= \(link)); unlink it before setting its value"
        case let .linkCycle(parameter, through):
            return "linking \(parameter) would make it depend on itself (through \(through.joined(separator: " → ")))"
        case let .malformedLink(text, column, message):
            return "cannot read link '\(text)' at column \(column): \(message); expected a linear function of one parameter such as apec_1.kT, 2*apec_1.kT or apec_1.kT + 0.5"
        case let .freeValueCount(expected, got):
            return "expected \(expected) free parameter values, got \(got)"
        }
    }
}
