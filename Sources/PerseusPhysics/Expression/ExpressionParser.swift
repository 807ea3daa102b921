/// A token of a model expression with its 1-based column.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case name(String)
        case plus
        case star
        case openParenthesis
        case closeParenthesis
        case end
    }

    let kind: Kind
    let column: Int

    /// How the token reads in an error message.
    var quoted: String {
        switch kind {
        case let .name(name): return "'\(name)'"
        case .plus: return "'+'"
        case .star: return "'*'"
        case .openParenthesis: return "'('"
        case .closeParenthesis: return "')'"
        case .end: return "the end of the expression"
        }
    }
}

/// Splits a model expression into tokens.
enum ExpressionLexer {
    static func tokens(of text: String) throws(ModelExpressionError) -> [ExpressionToken] {
        var tokens: [ExpressionToken] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let column = index + 1
            if character.isWhitespace {
                index += 1
                continue
            }
            switch character {
            case "+": tokens.append(ExpressionToken(kind: .plus, column: column)); index += 1
            case "*": tokens.append(ExpressionToken(kind: .star, column: column)); index += 1
            case "(": tokens.append(ExpressionToken(kind: .openParenthesis, column: column)); index += 1
            case ")": tokens.append(ExpressionToken(kind: .closeParenthesis, column: column)); index += 1
            default:
                guard character.isASCII, character.isLetter else {
                    throw ModelExpressionError(expression: text, column: column, reason: .unexpectedCharacter(character))
                }
                var end = index + 1
                while end < characters.count,
                      characters[end].isASCII, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
                    end += 1
                }
                tokens.append(ExpressionToken(kind: .name(String(characters[index..<end])), column: column))
                index = end
            }
        }
        tokens.append(ExpressionToken(kind: .end, column: characters.count + 1))
        return tokens
    }
}

/// Recursive-descent parser for ``ModelExpression``.
struct ExpressionParser {
    private let text: String
    private var tokens: [ExpressionToken] = []
    private var position = 0
    private var lexError: ModelExpressionError?

    init(text: String) {
        self.text = text
        do throws(ModelExpressionError) {
            tokens = try ExpressionLexer.tokens(of: text)
        } catch {
            lexError = error
        }
    }

    /// Parses the whole text as one expression.
    mutating func parseExpression() throws(ModelExpressionError) -> ExpressionNode {
        if let lexError { throw lexError }
        if tokens.count == 1 {
            throw ModelExpressionError(expression: text, column: 1, reason: .empty)
        }
        let node = try parseSum()
        let next = tokens[position]
        switch next.kind {
        case .end:
            return node
        case .closeParenthesis:
            throw error(at: next.column, .unmatchedParenthesis)
        default:
            throw error(at: next.column, .expectedOperator(found: next.quoted))
        }
    }

    private mutating func parseSum() throws(ModelExpressionError) -> ExpressionNode {
        var terms = [try parseProduct()]
        var operatorColumn: Int?
        while case .plus = tokens[position].kind {
            operatorColumn = operatorColumn ?? tokens[position].column
            position += 1
            terms.append(try parseProduct())
        }
        guard terms.count > 1, let operatorColumn else { return terms[0] }
        // Flatten nested sums: (a + b) + c is a + b + c.
        let flat = terms.flatMap { term -> [ExpressionNode] in
            if case let .sum(inner, _) = term { return inner }
            return [term]
        }
        return .sum(flat, column: operatorColumn)
    }

    private mutating func parseProduct() throws(ModelExpressionError) -> ExpressionNode {
        var factors = [try parseFactor()]
        var operatorColumn: Int?
        loop: while true {
            let token = tokens[position]
            switch token.kind {
            case .star:
                operatorColumn = operatorColumn ?? token.column
                position += 1
                factors.append(try parseFactor())
            case .openParenthesis:
                // XSPEC's implicit product: phabs(powerlaw) means phabs*(powerlaw).
                operatorColumn = operatorColumn ?? token.column
                factors.append(try parseFactor())
            default:
                break loop
            }
        }
        guard factors.count > 1, let operatorColumn else { return factors[0] }
        let flat = factors.flatMap { factor -> [ExpressionNode] in
            if case let .product(inner, _) = factor { return inner }
            return [factor]
        }
        return .product(flat, column: operatorColumn)
    }

    private mutating func parseFactor() throws(ModelExpressionError) -> ExpressionNode {
        let token = tokens[position]
        switch token.kind {
        case let .name(name):
            position += 1
            return .component(name: name, column: token.column)
        case .openParenthesis:
            position += 1
            let inner = try parseSum()
            let closing = tokens[position]
            switch closing.kind {
            case .closeParenthesis:
                position += 1
                return inner
            case .end:
                throw error(at: token.column, .unclosedParenthesis)
            default:
                throw error(at: closing.column, .expectedOperator(found: closing.quoted))
            }
        default:
            throw error(at: token.column, .expectedOperand(found: token.quoted))
        }
    }

    private func error(at column: Int, _ reason: ModelExpressionError.Reason) -> ModelExpressionError {
        ModelExpressionError(expression: text, column: column, reason: reason)
    }
}
