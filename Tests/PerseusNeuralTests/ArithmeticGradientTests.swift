import Testing
@testable import PerseusNeural

/// Broadcasting arithmetic: values against hand-computed results and gradients against finite
/// differences (including the summing of gradients over broadcast dimensions).
@Suite struct ArithmeticGradientTests {
    @Test func broadcastingValues() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6] as [Float])
        let b = try Tensor(shape: [3], values: [10, 20, 30] as [Float])
        let c = try Tensor(shape: [2, 1], values: [100, 200] as [Float])
        #expect(try (a + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (a - c).scalars == [-99, -98, -97, -196, -195, -194])
        #expect(try (b * c).shape == [2, 3])
        #expect(try (b * c).scalars == [1000, 2000, 3000, 2000, 4000, 6000])
        #expect(try (a / b).scalars[1] == 0.1)
        #expect(throws: NeuralError.self) { try a + (try Tensor(zeros: [4])) }
    }

    static let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([2, 3, 4], [1]), ([4], [2, 3, 4])]

    @Test(arguments: 0..<shapes.count)
    func gradients(_ index: Int) throws {
        let (sa, sb) = Self.shapes[index]
        let a = try GradientCheck.uniform(sa, 0.5..<2, seed: 3)
        let b = try GradientCheck.uniform(sb, 0.5..<2, seed: 4)
        for (name, f) in [("+", { try $0 + $1 }), ("-", { try $0 - $1 }), ("*", { try $0 * $1 }), ("/", { try $0 / $1 })]
            as [(String, (Tensor, Tensor) throws -> Tensor)] {
            let r = try GradientCheck.failures([a, b]) { try f($0[0], $0[1]) }
            #expect(r.failures.isEmpty, "\(name) \(sa) \(sb): \(r.failures.prefix(3))")
        }
    }

    @Test func reusedInputAccumulatesGradients() throws {
        // f(x) = x·x + x: both uses of x must add up (2x + 1).
        let p = Parameter(try Tensor(shape: [3], values: [1, 2, 3] as [Float]))
        let x = p.tensor
        try (x * x + x).sum().backward()
        #expect(p.gradient?.scalars == [3, 5, 7])
    }

    @Test func frozenParametersAndNoGradientMode() throws {
        let p = Parameter(try Tensor(shape: [2], values: [1, 2] as [Float]))
        p.isFrozen = true
        #expect(!p.tensor.requiresGradient)
        #expect(throws: NeuralError.self) { try (p.tensor * 2).sum().backward() }
        p.isFrozen = false
        let y = withoutGradients { p.tensor * 2 }
        #expect(!y.requiresGradient)
        let z = (p.tensor * 2).sum()
        try z.backward()
        #expect(throws: NeuralError.self) { try z.backward() }   // tape released after one pass
    }
}
