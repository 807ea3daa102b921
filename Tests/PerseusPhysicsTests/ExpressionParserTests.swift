import Testing
@testable import PerseusPhysics

/// The XSPEC expression grammar: valid forms and every syntax error with its column.
struct ExpressionParserTests {
    @Test(arguments: [
        ("tbabs*(apec+apec)", "tbabs*(apec + apec)"),
        ("tbabs*(apec+powerlaw)", "tbabs*(apec + powerlaw)"),
        ("tbabs*nei", "tbabs*nei"),
        ("cutoffpl", "cutoffpl"),
        ("bknpower + lorentz + lorentz", "bknpower + lorentz + lorentz"),
        ("phabs*wabs*powerlaw", "phabs*wabs*powerlaw"),
        ("  TBabs * ( APEC + apec )  ", "tbabs*(apec + apec)"),
        ("phabs(powerlaw + gaussian)", "phabs*(powerlaw + gaussian)"),
        ("((powerlaw))", "powerlaw"),
        ("wabs*(phabs*(powerlaw + (gaussian + lorentz)))", "wabs*phabs*(powerlaw + gaussian + lorentz)"),
        ("tbabs*(phabs*powerlaw + wabs*(bremss + zgauss))", "tbabs*(phabs*powerlaw + wabs*(bremss + zgauss))"),
        ("apec_2", "apec_2"),
    ])
    func parsesValidForms(text: String, canonical: String) throws {
        let expression = try ModelExpression(text)
        #expect(expression.description == canonical)
        #expect(expression.text == text)
    }

    @Test func buildsTheTreeWithColumns() throws {
        let expression = try ModelExpression("tbabs*(apec + apec)")
        guard case let .product(factors, column) = expression.root else {
            Issue.record("expected a product, got \(expression.root)")
            return
        }
        #expect(column == 6)
        #expect(factors.count == 2)
        #expect(factors[0] == .component(name: "tbabs", column: 1))
        #expect(factors[1] == .sum([.component(name: "apec", column: 8), .component(name: "apec", column: 15)], column: 13))
        #expect(expression.componentNames == ["tbabs", "apec", "apec"])
    }

    @Test func implicitProductMatchesExplicitOne() throws {
        #expect(try ModelExpression("phabs(powerlaw)").root.components.map(\.name) == ["phabs", "powerlaw"])
        #expect(try ModelExpression("phabs(powerlaw)").description == ModelExpression("phabs*powerlaw").description)
    }

    @Test(arguments: [
        ("", 1, ModelExpressionError.Reason.empty),
        ("   ", 1, .empty),
        ("tbabs*apec$", 11, .unexpectedCharacter("$")),
        ("2*apec", 1, .unexpectedCharacter("2")),
        ("tbabs*", 7, .expectedOperand(found: "the end of the expression")),
        ("tbabs**apec", 7, .expectedOperand(found: "'*'")),
        ("+apec", 1, .expectedOperand(found: "'+'")),
        ("apec+", 6, .expectedOperand(found: "the end of the expression")),
        ("()", 2, .expectedOperand(found: "')'")),
        ("apec apec", 6, .expectedOperator(found: "'apec'")),
        ("(apec)apec", 7, .expectedOperator(found: "'apec'")),
        ("tbabs*(apec + apec", 7, .unclosedParenthesis),
        ("((apec)", 1, .unclosedParenthesis),
        ("apec)", 5, .unmatchedParenthesis),
        ("tbabs*(apec))", 13, .unmatchedParenthesis),
    ])
    func reportsSyntaxErrorsWithTheirColumn(text: String, column: Int, reason: ModelExpressionError.Reason) {
        #expect(throws: ModelExpressionError(expression: text, column: column, reason: reason)) {
            try ModelExpression(text)
        }
    }

    @Test func errorDescriptionPointsAtTheColumn() {
        do {
            _ = try ModelExpression("tbabs*(apec + apec")
            Issue.record("expected an error")
        } catch {
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[0].contains("column 7"))
            #expect(lines[1] == "  tbabs*(apec + apec")
            #expect(lines[2] == "        ^")
            #expect(error.summary == String(lines[0]))
        }
    }
}
