/// The right-hand side of a parameter assignment: a constant, or a linear function
/// `scale · parameter + offset` of one parameter.
///
/// Accepted: numbers (`0.3`, `1e-3`), parameter addresses (`apec_1.kT`), `+ − * /`, unary minus
/// and parentheses, as long as the result is linear in at most one parameter: `apec_1.kT`,
/// `2*apec_1.kT`, `apec_1.kT/2 + 0.5`, `-(apec_1.kT - 1)`.
struct LinkExpression: Equatable {
    /// Index of the parameter it depends on, or nil for a constant.
    var source: Int?
    var scale: Double
    var offset: Double

    static func constant(_ value: Double) -> LinkExpression { LinkExpression(source: nil, scale: 0, offset: value) }

    /// Parses `text`, resolving addresses with `resolve`.
    static func parse(_ text: String,
                      resolve: @escaping (String) throws(ModelParameterError) -> Int) throws(ModelParameterError) -> LinkExpression {
        var parser = Parser(text: text, resolve: resolve)
        return try parser.parse()
    }

    private struct Parser {
        enum Token: Equatable {
            case number(Double), name(String), plus, minus, star, slash, open, close, end
        }

        let text: String
        let resolve: (String) throws(ModelParameterError) -> Int
        var tokens: [(token: Token, column: Int)] = []
        var position = 0

        init(text: String, resolve: @escaping (String) throws(ModelParameterError) -> Int) {
            self.text = text
            self.resolve = resolve
        }

        mutating func parse() throws(ModelParameterError) -> LinkExpression {
            try tokenize()
            if tokens.count == 1 { throw failure(1, "the expression is empty") }
            let result = try sum()
            let (token, column) = tokens[position]
            guard token == .end else { throw failure(column, "unexpected \(describe(token))") }
            return result
        }

        private mutating func tokenize() throws(ModelParameterError) {
            let characters = Array(text)
            var i = 0
            while i < characters.count {
                let c = characters[i], column = i + 1
                if c.isWhitespace { i += 1; continue }
                switch c {
                case "+": tokens.append((.plus, column)); i += 1
                case "-": tokens.append((.minus, column)); i += 1
                case "*": tokens.append((.star, column)); i += 1
                case "/": tokens.append((.slash, column)); i += 1
                case "(": tokens.append((.open, column)); i += 1
                case ")": tokens.append((.close, column)); i += 1
                default:
                    if c.isASCII && (c.isNumber || (c == "." && i + 1 < characters.count && characters[i + 1].isNumber)) {
                        var j = i
                        while j < characters.count, characters[j].isASCII, characters[j].isNumber || characters[j] == "." { j += 1 }
                        if j < characters.count, characters[j] == "e" || characters[j] == "E" {
                            var k = j + 1
                            if k < characters.count, characters[k] == "+" || characters[k] == "-" { k += 1 }
                            if k < characters.count, characters[k].isASCII, characters[k].isNumber {
                                while k < characters.count, characters[k].isASCII, characters[k].isNumber { k += 1 }
                                j = k
                            }
                        }
                        let literal = String(characters[i..<j])
                        guard let value = Double(literal), value.isFinite else {
                            throw failure(column, "'\(literal)' is not a number")
                        }
                        tokens.append((.number(value), column))
                        i = j
                    } else if c.isASCII && (c.isLetter || c == "_") {
                        var j = i
                        while j < characters.count, characters[j].isASCII,
                              characters[j].isLetter || characters[j].isNumber || characters[j] == "_" || characters[j] == "." {
                            j += 1
                        }
                        tokens.append((.name(String(characters[i..<j])), column))
                        i = j
                    } else {
                        throw failure(column, "unexpected character '\(c)'")
                    }
                }
            }
            tokens.append((.end, characters.count + 1))
        }

        private mutating func sum() throws(ModelParameterError) -> LinkExpression {
            var left = try product()
            while true {
                let (token, column) = tokens[position]
                guard token == .plus || token == .minus else { return left }
                position += 1
                var right = try product()
                if token == .minus { right = LinkExpression(source: right.source, scale: -right.scale, offset: -right.offset) }
                if let a = left.source, let b = right.source, a != b {
                    throw failure(column, "a link may depend on one parameter only")
                }
                left = LinkExpression(source: left.source ?? right.source, scale: left.scale + right.scale,
                                      offset: left.offset + right.offset)
            }
        }

        private mutating func product() throws(ModelParameterError) -> LinkExpression {
            var left = try unary()
            while true {
                let (token, column) = tokens[position]
                guard token == .star || token == .slash else { return left }
                position += 1
                let right = try unary()
                if token == .star {
                    if left.source != nil && right.source != nil {
                        throw failure(column, "a product of two parameters is not linear")
                    }
                    if left.source == nil {
                        left = LinkExpression(source: right.source, scale: left.offset * right.scale, offset: left.offset * right.offset)
                    } else {
                        left = LinkExpression(source: left.source, scale: left.scale * right.offset, offset: left.offset * right.offset)
                    }
                } else {
                    guard right.source == nil else { throw failure(column, "dividing by a parameter is not linear") }
                    guard right.offset != 0 else { throw failure(column, "division by zero") }
                    left = LinkExpression(source: left.source, scale: left.scale / right.offset, offset: left.offset / right.offset)
                }
            }
        }

        private mutating func unary() throws(ModelParameterError) -> LinkExpression {
            let (token, _) = tokens[position]
            if token == .minus || token == .plus {
                position += 1
                let inner = try unary()
                return token == .minus ? LinkExpression(source: inner.source, scale: -inner.scale, offset: -inner.offset) : inner
            }
            return try primary()
        }

        private mutating func primary() throws(ModelParameterError) -> LinkExpression {
            let (token, column) = tokens[position]
            switch token {
            case let .number(value):
                position += 1
                return .constant(value)
            case let .name(address):
                position += 1
                return LinkExpression(source: try resolve(address), scale: 1, offset: 0)
            case .open:
                position += 1
                let inner = try sum()
                guard tokens[position].token == .close else {
                    throw failure(tokens[position].column, "expected ')' to close '(' at column \(column)")
                }
                position += 1
                return inner
            default:
                throw failure(column, "expected a number, a parameter or '(' but found \(describe(token))")
            }
        }

        private func describe(_ token: Token) -> String {
            switch token {
            case let .number(value): return "number \(value)"
            case let .name(name): return "'\(name)'"
            case .plus: return "'+'"
            case .minus: return "'-'"
            case .star: return "'*'"
            case .slash: return "'/'"
            case .open: return "'('"
            case .close: return "')'"
            case .end: return "the end"
            }
        }

        private func failure(_ column: Int, _ message: String) -> ModelParameterError {
            .malformedLink(text: text, column: column, message: message)
        }
    }
}
