import PerseusCore

/// The textual form of priors in scenario files.
///
/// - a number: fixed (`0.138`, `1e-3`)
/// - `uniform(LO, HI)`, `loguniform(LO, HI)` (also `log-uniform`), `normal(MEAN, SIGMA)`
/// - `= ADDRESS`: linked to another parameter of the same class (`= apec_1.Abundanc`)
/// - `= EXPRESSION`: derived from other parameters (`= 2 * apec_1.kT`, `= apec_1.norm / 3`)
enum PriorSyntax {
    /// Parses a prior. Numbers in the call forms may be any arithmetic constant expression.
    static func parse(_ text: String) throws(PriorSyntaxError) -> Prior {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        if trimmed.hasPrefix("=") {
            let body = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
            let expression: ArithmeticExpression
            do { expression = try ArithmeticExpression(parsing: body) } catch { throw .expression(body, error) }
            if case let .name(name) = expression { return .linked(to: name) }
            return .derived(expression)
        }
        if let value = Double(trimmed) { return .fixed(value) }
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else { throw .unrecognised(trimmed) }
        let function = trimmed[..<open].trimmingCharacters(in: .whitespaces).lowercased()
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let arguments = try inside.split(separator: ",", omittingEmptySubsequences: false).map {
            (part) throws(PriorSyntaxError) -> Double in try constant(String(part), in: trimmed)
        }
        func two() throws(PriorSyntaxError) -> (Double, Double) {
            guard arguments.count == 2 else { throw .argumentCount(function, expected: 2, got: arguments.count) }
            return (arguments[0], arguments[1])
        }
        switch function {
        case "uniform":
            let (lo, hi) = try two()
            return .uniform(lower: lo, upper: hi)
        case "loguniform", "log-uniform", "log_uniform":
            let (lo, hi) = try two()
            return .logUniform(lower: lo, upper: hi)
        case "normal", "gaussian":
            let (mean, sigma) = try two()
            return .normal(mean: mean, standardDeviation: sigma)
        case "fixed":
            guard arguments.count == 1 else { throw .argumentCount(function, expected: 1, got: arguments.count) }
            return .fixed(arguments[0])
        default:
            throw .unknownFunction(function)
        }
    }

    static func constant(_ text: String, in whole: String) throws(PriorSyntaxError) -> Double {
        let expression: ArithmeticExpression
        do { expression = try ArithmeticExpression(parsing: text) } catch { throw .expression(text, error) }
        guard expression.names.isEmpty else { throw .notConstant(text.trimmingCharacters(in: .whitespaces)) }
        return expression.evaluate { (_: String) -> Double in .nan }
    }
}

/// Why a prior's text could not be parsed.
enum PriorSyntaxError: PerseusError {
    case empty
    case unrecognised(String)
    case unknownFunction(String)
    case argumentCount(String, expected: Int, got: Int)
    case notConstant(String)
    case expression(String, ArithmeticExpressionError)

    var description: String {
        switch self {
        case .empty: return "empty prior; expected a number, uniform(LO, HI), loguniform(LO, HI), normal(MEAN, SIGMA) or = EXPRESSION"
        case let .unrecognised(text):
            return "'\(text)' is not a prior; expected a number, uniform(LO, HI), loguniform(LO, HI), normal(MEAN, SIGMA) or = EXPRESSION"
        case let .unknownFunction(name): return "unknown prior '\(name)'; valid: uniform, loguniform, normal, fixed"
        case let .argumentCount(name, expected, got): return "\(name) takes \(expected) arguments, got \(got)"
        case let .notConstant(text): return "'\(text)' must be a number"
        case let .expression(text, error): return "in '\(text)': \(error)"
        }
    }
}
