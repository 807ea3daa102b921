/// A spectral model expression in XSPEC syntax, parsed into a syntax tree.
///
/// The grammar follows XSPEC's `model` command:
///
///     expression := term ( "+" term )*
///     term       := factor ( "*" factor | "(" expression ")" )*
///     factor     := NAME | "(" expression ")"
///
/// Names are letters, digits and underscores starting with a letter, matched case-insensitively
/// against the component registry when the expression is bound into a ``Model``. Whitespace is
/// ignored. A component directly followed by a parenthesis multiplies it, as in XSPEC
/// (`phabs(powerlaw + bbody)` is `phabs*(powerlaw + bbody)`).
///
/// Parsing checks syntax only; which names exist and whether products and sums make sense
/// (XSPEC's rules: additive × additive is meaningless, multiplicative terms cannot be added) is
/// checked when the expression is bound to components, because it needs each component's kind.
///
/// ```swift
/// let expression = try ModelExpression("tbabs*(apec + apec)")
/// print(expression)   // tbabs*(apec + apec)
/// ```
public struct ModelExpression: Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public let text: String
    /// The syntax tree. Nested sums and products are flattened (`a*(b*c)` is one product).
    public let root: ExpressionNode

    /// Parses `text`.
    /// - Throws: ``ModelExpressionError`` with the 1-based column of the problem.
    public init(_ text: String) throws(ModelExpressionError) {
        self.text = text
        var parser = ExpressionParser(text: text)
        self.root = try parser.parseExpression()
    }

    /// Component names in order of appearance, as written.
    public var componentNames: [String] { root.components.map(\.name) }

    /// The expression in canonical form: lower-case names, `*` and ` + `, parentheses only
    /// where needed.
    public var description: String { root.canonical(parentIsProduct: false) }
}

/// A node of a parsed model expression.
public indirect enum ExpressionNode: Sendable, Equatable {
    /// A component name as written, with the 1-based column where it starts.
    case component(name: String, column: Int)
    /// A sum of two or more terms. `column` is that of the first `+`.
    case sum([ExpressionNode], column: Int)
    /// A product of two or more factors. `column` is that of the first `*` or implicit product.
    case product([ExpressionNode], column: Int)

    /// The 1-based column where this node's text starts.
    public var startColumn: Int {
        switch self {
        case let .component(_, column): return column
        case let .sum(terms, _), let .product(terms, _): return terms[0].startColumn
        }
    }

    /// The component leaves in order of appearance.
    public var components: [(name: String, column: Int)] {
        switch self {
        case let .component(name, column): return [(name, column)]
        case let .sum(terms, _), let .product(terms, _): return terms.flatMap(\.components)
        }
    }

    func canonical(parentIsProduct: Bool) -> String {
        switch self {
        case let .component(name, _):
            return name.lowercased()
        case let .sum(terms, _):
            let inner = terms.map { $0.canonical(parentIsProduct: false) }.joined(separator: " + ")
            return parentIsProduct ? "(\(inner))" : inner
        case let .product(factors, _):
            return factors.map { $0.canonical(parentIsProduct: true) }.joined(separator: "*")
        }
    }
}
