import PerseusCore

/// A model expression that cannot be parsed or bound to components.
///
/// `column` is 1-based and counts characters of `expression`. `description` is three lines: the
/// message, the expression, and a caret under the offending column; `summary` is the message
/// alone on one line (it names the column).
public struct ModelExpressionError: PerseusError, Equatable {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The expression is empty or only whitespace.
        case empty
        /// A character that cannot start a token.
        case unexpectedCharacter(Character)
        /// A component name or `(` was expected; `found` describes what was there instead.
        case expectedOperand(found: String)
        /// An operator or the end was expected; `found` describes what was there instead.
        case expectedOperator(found: String)
        /// A `(` without its `)`. The column is that of the `(`.
        case unclosedParenthesis
        /// A `)` without a matching `(`.
        case unmatchedParenthesis
        /// A name that is not a registered component.
        case unknownComponent(name: String, valid: [String])
        /// A name that abbreviates more than one component.
        case ambiguousComponent(name: String, candidates: [String])
        /// A product with two additive factors (XSPEC rejects e.g. `powerlaw*powerlaw`).
        case additiveProduct(first: String, firstColumn: Int, second: String)
        /// A sum with a multiplicative term (e.g. `powerlaw + phabs`).
        case multiplicativeInSum(term: String)
        /// The component registry's factory failed for this component.
        case componentUnavailable(name: String, reason: String)
    }

    /// The expression as given.
    public let expression: String
    /// 1-based column of the problem (one past the end for "unexpected end of expression").
    public let column: Int
    public let reason: Reason

    public init(expression: String, column: Int, reason: Reason) {
        self.expression = expression
        self.column = column
        self.reason = reason
    }

    /// One line: the message with its column.
    public var summary: String {
        let place = "at column \(column) of model expression \"\(expression)\""
        switch reason {
        case .empty:
            return "model expression is empty; expected e.g. \"tbabs*(apec + powerlaw)\""
        case let .unexpectedCharacter(character):
            return "unexpected character '\(character)' \(place); expected component names, '+', '*', '(' and ')'"
        case let .expectedOperand(found):
            return "expected a component name or '(' \(place), found \(found)"
        case let .expectedOperator(found):
            return "expected '+', '*', '(' or the end \(place), found \(found)"
        case .unclosedParenthesis:
            return "'(' \(place) is never closed; expected ')'"
        case .unmatchedParenthesis:
            return "')' \(place) has no matching '('"
        case let .unknownComponent(name, valid):
            return "unknown component \(name) \(place); valid: \(valid.joined(separator: ", "))"
        case let .ambiguousComponent(name, candidates):
            return "component name \(name) \(place) is ambiguous; it abbreviates \(candidates.joined(separator: ", "))"
        case let .additiveProduct(first, firstColumn, second):
            return "cannot multiply additive component \(second) \(place) with additive \(first) (column \(firstColumn)): a product may contain at most one additive factor, as in XSPEC"
        case let .multiplicativeInSum(term):
            return "cannot add multiplicative term \(term) \(place): only additive terms (photon spectra) can be summed; a multiplicative component must multiply an additive one"
        case let .componentUnavailable(name, reason):
            return "component \(name) \(place) cannot be created: \(reason)"
        }
    }

    /// The message, the expression and a caret under `column`.
    public var description: String {
        let caretOffset = max(0, column - 1)
        return summary + "\n  " + expression + "\n  " + String(repeating: " ", count: caretOffset) + "^"
    }
}
