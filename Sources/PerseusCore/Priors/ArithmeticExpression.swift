import Foundation

/// A small arithmetic expression over named quantities, for derived parameters in scenarios
/// (`2 * apec_1.kT`, `log10(apec.norm) - 1`, `apec_1.norm * (1 + z)`).
///
/// Grammar: numbers (`1`, `2.5e-3`), names (letters, digits, `_` and `.`; case-insensitive
/// lookup is the caller's business), `+ - * / ^` with the usual precedence (`^` right
/// associative, unary minus binding looser than `^`), parentheses, and the functions `exp`,
/// `ln`/`log`, `log10`, `sqrt`, `abs`, `min(a, b)`, `max(a, b)`, `pow(a, b)`.
public indirect enum ArithmeticExpression: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case name(String)
    case negate(ArithmeticExpression)
    case binary(Character, ArithmeticExpression, ArithmeticExpression)
    case call(String, [ArithmeticExpression])

    /// Functions and their argument counts.
    public static let functions: [String: Int] = [
        "exp": 1, "ln": 1, "log": 1, "log10": 1, "sqrt": 1, "abs": 1, "min": 2, "max": 2, "pow": 2,
    ]

    /// Parses `text`.
    /// - Throws: `ArithmeticExpressionError` with the column (1-based) of the problem.
    public init(parsing text: String) throws(ArithmeticExpressionError) {
        var parser = Parser(text: text)
        self = try parser.parseExpression()
        try parser.expectEnd()
    }

    /// Every name the expression refers to, in order of first appearance.
    public var names: [String] {
        var seen: [String] = []
        func visit(_ e: ArithmeticExpression) {
            switch e {
            case .number: break
            case let .name(n): if !seen.contains(n) { seen.append(n) }
            case let .negate(a): visit(a)
            case let .binary(_, a, b): visit(a); visit(b)
            case let .call(_, args): args.forEach(visit)
            }
        }
        visit(self)
        return seen
    }

    /// The same expression with every name replaced by `rename(name)` (e.g. to canonical
    /// parameter names).
    public func renamingNames<E: Error>(_ rename: (String) throws(E) -> String) throws(E) -> ArithmeticExpression {
        switch self {
        case .number: return self
        case let .name(n): return .name(try rename(n))
        case let .negate(a): return .negate(try a.renamingNames(rename))
        case let .binary(op, a, b): return .binary(op, try a.renamingNames(rename), try b.renamingNames(rename))
        case let .call(f, args):
            var renamed: [ArithmeticExpression] = []
            for a in args { renamed.append(try a.renamingNames(rename)) }
            return .call(f, renamed)
        }
    }

    /// Evaluates the expression, looking names up with `value`.
    /// - Throws: whatever `value` throws for an unknown name.
    public func evaluate<E: Error>(_ value: (String) throws(E) -> Double) throws(E) -> Double {
        switch self {
        case let .number(x): return x
        case let .name(n): return try value(n)
        case let .negate(a): return -(try a.evaluate(value))
        case let .binary(op, a, b):
            let x = try a.evaluate(value), y = try b.evaluate(value)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            case "/": return x / y
            default: return Foundation.pow(x, y)
            }
        case let .call(f, args):
            let x = try args[0].evaluate(value)
            switch f {
            case "exp": return Foundation.exp(x)
            case "ln", "log": return Foundation.log(x)
            case "log10": return Foundation.log10(x)
            case "sqrt": return x.squareRoot()
            case "abs": return Swift.abs(x)
            case "min": return Swift.min(x, try args[1].evaluate(value))
            case "max": return Swift.max(x, try args[1].evaluate(value))
            default: return Foundation.pow(x, try args[1].evaluate(value))
            }
        }
    }

    public var description: String {
        switch self {
        case let .number(x): return x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case let .name(n): return n
        case let .negate(a): return "-(\(a))"
        case let .binary(op, a, b): return "(\(a) \(op) \(b))"
        case let .call(f, args): return "\(f)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Recursive-descent parser over Unicode scalars.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(text: String) { scalars = Array(text.unicodeScalars) }

        var column: Int { position + 1 }

        mutating func skipSpace() {
            while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
        }

        mutating func peek() -> Unicode.Scalar? {
            skipSpace()
            return position < scalars.count ? scalars[position] : nil
        }

        mutating func expectEnd() throws(ArithmeticExpressionError) {
            if let c = peek() { throw .unexpected(String(c), column: column, expected: "an operator or the end") }
        }

        // expression := term (('+' | '-') term)*
        mutating func parseExpression() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            var left = try parseTerm()
            while let c = peek(), c == "+" || c == "-" {
                position += 1
                left = .binary(Character(c), left, try parseTerm())
            }
            return left
        }

        // term := unary (('*' | '/') unary)*
        mutating func parseTerm() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            var left = try parseUnary()
            while let c = peek(), c == "*" || c == "/" {
                position += 1
                left = .binary(Character(c), left, try parseUnary())
            }
            return left
        }

        // unary := '-' unary | '+' unary | power
        mutating func parseUnary() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            if let c = peek(), c == "-" || c == "+" {
                position += 1
                let operand = try parseUnary()
                return c == "-" ? .negate(operand) : operand
            }
            return try parsePower()
        }

        // power := primary ('^' unary)?
        mutating func parsePower() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            let base = try parsePrimary()
            if let c = peek(), c == "^" {
                position += 1
                return .binary("^", base, try parseUnary())
            }
            return base
        }

        mutating func parsePrimary() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            guard let c = peek() else { throw .unexpectedEnd(column: column, expected: "a number, a name or '('") }
            if c == "(" {
                position += 1
                let inner = try parseExpression()
                guard peek() == ")" else { throw .unexpected(peek().map(String.init) ?? "end", column: column, expected: "')'") }
                position += 1
                return inner
            }
            if c.properties.numericType != nil || c == "." { return try parseNumber() }
            if c.properties.isAlphabetic || c == "_" { return try parseNameOrCall() }
            throw .unexpected(String(c), column: column, expected: "a number, a name or '('")
        }

        mutating func parseNumber() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            let start = position
            var text = ""
            func digits(_ p: inout Parser, _ t: inout String) {
                while p.position < p.scalars.count, ("0"..."9").contains(p.scalars[p.position]) {
                    t.unicodeScalars.append(p.scalars[p.position]); p.position += 1
                }
            }
            digits(&self, &text)
            if position < scalars.count, scalars[position] == "." { text += "."; position += 1; digits(&self, &text) }
            if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
                let save = position
                var exponent = "e"
                position += 1
                if position < scalars.count, scalars[position] == "-" || scalars[position] == "+" {
                    exponent.unicodeScalars.append(scalars[position]); position += 1
                }
                let before = exponent.count
                digits(&self, &exponent)
                if exponent.count == before { position = save } else { text += exponent }
            }
            guard let value = Double(text) else { throw .badNumber(text, column: start + 1) }
            return .number(value)
        }

        mutating func parseNameOrCall() throws(ArithmeticExpressionError) -> ArithmeticExpression {
            let start = position
            var name = ""
            while position < scalars.count {
                let s = scalars[position]
                guard s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_" || s == "." else { break }
                name.unicodeScalars.append(s)
                position += 1
            }
            if peek() == "(" {
                let lower = name.lowercased()
                guard let arity = ArithmeticExpression.functions[lower] else {
                    throw .unknownFunction(name, column: start + 1, valid: ArithmeticExpression.functions.keys.sorted())
                }
                position += 1
                var arguments = [try parseExpression()]
                while peek() == "," { position += 1; arguments.append(try parseExpression()) }
                guard peek() == ")" else { throw .unexpected(peek().map(String.init) ?? "end", column: column, expected: "',' or ')'") }
                position += 1
                guard arguments.count == arity else {
                    throw .wrongArgumentCount(lower, column: start + 1, expected: arity, got: arguments.count)
                }
                return .call(lower, arguments)
            }
            return .name(name)
        }
    }
}

/// Why an arithmetic expression could not be parsed. Columns are 1-based.
public enum ArithmeticExpressionError: PerseusError, Equatable {
    case unexpected(String, column: Int, expected: String)
    case unexpectedEnd(column: Int, expected: String)
    case badNumber(String, column: Int)
    case unknownFunction(String, column: Int, valid: [String])
    case wrongArgumentCount(String, column: Int, expected: Int, got: Int)

    public var column: Int {
        switch self {
        case let .unexpected(_, c, _), let .unexpectedEnd(c, _), let .badNumber(_, c),
             let .unknownFunction(_, c, _), let .wrongArgumentCount(_, c, _, _): return c
        }
    }

    public var description: String {
        switch self {
        case let .unexpected(found, column, expected): return "column \(column): found '\(found)', expected \(expected)"
        case let .unexpectedEnd(column, expected): return "column \(column): expression ends, expected \(expected)"
        case let .badNumber(text, column): return "column \(column): '\(text)' is not a number"
        case let .unknownFunction(name, column, valid):
            return "column \(column): unknown function '\(name)'; valid: \(valid.joined(separator: ", "))"
        case let .wrongArgumentCount(name, column, expected, got):
            return "column \(column): \(name) takes \(expected) argument\(expected == 1 ? "" : "s"), got \(got)"
        }
    }
}
