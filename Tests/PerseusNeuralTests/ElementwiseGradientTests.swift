import Testing
@testable import PerseusNeural

/// Finite-difference checks of the elementwise functions' derivatives.
@Suite struct ElementwiseGradientTests {
    static let cases: [(String, @Sendable (Tensor) throws -> Tensor, Range<Float>)] = [
        ("exp", { exp($0) }, -2..<2),
        ("log", { log($0) }, 0.5..<3),
        ("sqrt", { sqrt($0) }, 0.5..<3),
        ("pow 3", { pow($0, 3) }, -2..<2),
        ("pow -2", { pow($0, -2) }, 0.5..<2),
        ("pow 1.7", { pow($0, 1.7) }, 0.5..<2),
        ("gelu", { gelu($0) }, -4..<4),
        ("softplus", { softplus($0) }, -5..<5),
        ("tanh", { tanh($0) }, -3..<3),
        ("sigmoid", { sigmoid($0) }, -5..<5),
        ("square", { square($0) }, -2..<2),
        ("negate", { -$0 }, -2..<2),
        ("affine", { 3 - 2 * $0 + 1.5 }, -2..<2),
        ("reciprocal", { 2 / $0 }, 0.5..<2),
        ("divide by scalar", { $0 / 4 }, -2..<2),
    ]

    @Test(arguments: 0..<cases.count)
    func smoothFunctions(_ index: Int) throws {
        let (name, f, range) = Self.cases[index]
        let x = try GradientCheck.uniform([3, 7], range)
        let result = try GradientCheck.failures([x]) { try f($0[0]) }
        #expect(result.failures.isEmpty, "\(name): \(result.failures.prefix(3))")
        #expect(result.checked == 21)
    }

    @Test func kinkedFunctionsAwayFromTheKink() throws {
        let x = try GradientCheck.awayFromZero([4, 5])
        for (name, f) in [("relu", { relu($0) }), ("abs", { abs($0) }), ("leakyRelu", { leakyRelu($0, slope: 0.1) })] as [(String, (Tensor) -> Tensor)] {
            let result = try GradientCheck.failures([x]) { f($0[0]) }
            #expect(result.failures.isEmpty, "\(name): \(result.failures.prefix(3))")
        }
    }
}

/// The checker itself must catch a wrong derivative.
@Suite struct GradientCheckSelfTests {
    @Test func detectsAWrongPullback() throws {
        let x = try GradientCheck.uniform([5], 0.5..<2)
        let r = try GradientCheck.failures([x]) { inputs in
            let a = inputs[0]
            let y = a.mapped { $0 * $0 }
            // Deliberately wrong: claims d(x²)/dx = x.
            return Tensor.result(shape: a.shape, storage: y, inputs: [a]) { { g in [Tensor.combine(g, a.detached()) { $0 * $1 }] } }
        }
        #expect(r.failures.count == 5)
    }
}
