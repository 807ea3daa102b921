import Foundation
import Testing
import PerseusCore

@Suite struct ArithmeticExpressionTests {
    @Test func precedenceAndFunctions() throws {
        let values: [String: Double] = ["apec_1.kt": 4, "z": 0.5, "norm": 1e-3]
        func eval(_ s: String) throws -> Double {
            try ArithmeticExpression(parsing: s).evaluate { (n: String) -> Double in values[n.lowercased()]! }
        }
        #expect(try eval("1 + 2 * 3") == 7)
        #expect(try eval("2 ^ 3 ^ 2") == 512)          // right associative
        #expect(try eval("-2 ^ 2") == -4)              // unary minus binds looser than ^
        #expect(try eval("(1 + 2) * 3") == 9)
        #expect(try eval("2 * apec_1.kT") == 8)
        #expect(try eval("norm * (1 + z)") == 1.5e-3)
        #expect(abs(try eval("log10(norm) - 1") - -4) < 1e-15)
        #expect(try eval("min(3, max(1, 2)) + sqrt(16) + abs(-1) + pow(2, 2)") == 11)
        #expect(try eval("2.5e-3 * 4") == 0.01)
        #expect(try ArithmeticExpression(parsing: "a + b * a").names == ["a", "b"])
    }

    @Test func errorsPointAtTheColumn() {
        func column(_ s: String) -> Int? {
            do { _ = try ArithmeticExpression(parsing: s); return nil } catch { return error.column }
        }
        #expect(column("1 + ") == 5)
        #expect(column("2 * (3 + 4") == 11)
        #expect(column("2 $ 3") == 3)
        #expect(column("foo(1)") == 1)
        #expect(column("pow(1)") == 1)
        #expect(column("1 2") == 3)
    }
}

@Suite struct ParameterSamplerTests {
    @Test func drawsAreReproducibleAndFollowTheirPriors() throws {
        let sampler = try ParameterSampler([
            ("kT", .uniform(lower: 1, upper: 10)),
            ("norm", .logUniform(lower: 0.01, upper: 1)),
            ("z", .fixed(0.05)),
            ("kT2", .derived(try ArithmeticExpression(parsing: "2 * kt"))),
            ("abund2", .linked(to: "ABUND")),
            ("abund", .normal(mean: 0.3, standardDeviation: 0.05)),
        ])
        let a = sampler.draw(seed: 7, index: 42)
        #expect(a == sampler.draw(seed: 7, index: 42))
        #expect(a != sampler.draw(seed: 7, index: 43))
        #expect(a[2] == 0.05 && a[3] == 2 * a[0] && a[4] == a[5])
        // Statistical checks over many samples: KS of kT against U(1, 10) and of log norm.
        let draws = (0..<20_000).map { sampler.draw(seed: 7, index: UInt64($0)) }
        let ks = GoodnessOfFit.kolmogorovSmirnov(draws.map { $0[0] }) { min(1, max(0, ($0 - 1) / 9)) }
        #expect(ks.pValue > 1e-3, "\(ks)")
        let logNorm = GoodnessOfFit.kolmogorovSmirnov(draws.map { log10($0[1]) }) { min(1, max(0, ($0 + 2) / 2)) }
        #expect(logNorm.pValue > 1e-3, "\(logNorm)")
        let normal = GoodnessOfFit.kolmogorovSmirnov(draws.map { $0[5] }) { NormalDistribution.cdf(($0 - 0.3) / 0.05) }
        #expect(normal.pValue > 1e-3, "\(normal)")
    }

    @Test func rejectsBadDefinitions() throws {
        #expect(throws: PriorError.self) { try ParameterSampler([("a", .uniform(lower: 2, upper: 1))]) }
        #expect(throws: PriorError.self) { try ParameterSampler([("a", .logUniform(lower: 0, upper: 1))]) }
        #expect(throws: PriorError.duplicate("A")) { try ParameterSampler([("a", .fixed(1)), ("A", .fixed(2))]) }
        #expect(throws: PriorError.self) { try ParameterSampler([("a", .linked(to: "nope"))]) }
        #expect(throws: PriorError.cycle(["a", "b", "a"])) {
            try ParameterSampler([("a", .linked(to: "b")), ("b", .linked(to: "a"))])
        }
    }
}
