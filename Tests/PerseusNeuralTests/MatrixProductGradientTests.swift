import Testing
@testable import PerseusNeural

/// Matrix products through BLAS: values and gradients.
@Suite struct MatrixProductGradientTests {
    @Test func values() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6] as [Float])
        let b = try Tensor(shape: [3, 2], values: [1, 0, 0, 1, 1, 1] as [Float])
        #expect(try Tensor.matmul(a, b).scalars == [4, 5, 10, 11])
        let w = try Tensor(shape: [2, 3], values: [1, 1, 1, 0, 1, 0] as [Float])
        let bias = try Tensor(shape: [2], values: [0.5, -1] as [Float])
        #expect(try linear(a, weight: w, bias: bias).scalars == [6.5, 1, 15.5, 4])
        #expect(throws: NeuralError.self) { try Tensor.matmul(a, a) }
        #expect(throws: NeuralError.self) { try linear(a, weight: b) }
    }

    @Test func gradients() throws {
        let a = try GradientCheck.uniform([4, 5])
        let b = try GradientCheck.uniform([5, 3], seed: 2)
        let r = try GradientCheck.failures([a, b]) { try Tensor.matmul($0[0], $0[1]) }
        #expect(r.failures.isEmpty, "\(r.failures.prefix(3))")
        let w = try GradientCheck.uniform([3, 5], seed: 5)
        let bias = try GradientCheck.uniform([3], seed: 6)
        let l = try GradientCheck.failures([a, w, bias]) { try linear($0[0], weight: $0[1], bias: $0[2]) }
        #expect(l.failures.isEmpty, "\(l.failures.prefix(3))")
        let batched = try GradientCheck.uniform([2, 3, 5], seed: 8)
        let m = try GradientCheck.failures([batched, b]) { try Tensor.matmul($0[0], $0[1]) }
        #expect(m.failures.isEmpty, "\(m.failures.prefix(3))")
    }
}
