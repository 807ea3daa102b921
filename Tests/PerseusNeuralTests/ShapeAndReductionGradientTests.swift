import Testing
@testable import PerseusNeural

/// Reshape, flatten, slice, split, concatenate, transpose, and sums/means over axes.
@Suite struct ShapeAndReductionGradientTests {
    @Test func values() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6] as [Float])
        #expect(try x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try x.sum(axis: 1, keepingDimensions: true).shape == [2, 1])
        #expect(try x.mean(axis: -1).scalars == [2, 5])
        #expect(x.sum().scalar == 21)
        #expect(try x.slice(1..<3, axis: 1).scalars == [2, 3, 5, 6])
        #expect(try x.transposed().scalars == [1, 4, 2, 5, 3, 6])
        #expect(try x.reshaped([3, -1]).shape == [3, 2])
        let parts = try x.split(sizes: [1, 2], axis: 1)
        #expect(parts.map(\.shape) == [[2, 1], [2, 2]])
        #expect(try Tensor.concatenate(parts.reversed(), axis: 1).scalars == [2, 3, 1, 5, 6, 4])
        #expect(throws: NeuralError.self) { try x.reshaped([4, 2]) }
        #expect(throws: NeuralError.self) { try x.sum(axis: 2) }
        #expect(throws: NeuralError.self) { try x.slice(2..<4, axis: 1) }
    }

    @Test func gradients() throws {
        let x = try GradientCheck.uniform([2, 3, 4])
        let y = try GradientCheck.uniform([2, 2, 4], seed: 9)
        let cases: [(String, ([Tensor]) throws -> Tensor)] = [
            ("sum axes", { try $0[0].sum(axes: [0, 2]) }),
            ("mean axis keep", { try $0[0].mean(axis: 1, keepingDimensions: true) }),
            ("mean all", { $0[0].mean() }),
            ("reshape", { try $0[0].reshaped([6, 4]) * $0[0].reshaped([6, 4]) }),
            ("flatten", { try $0[0].flattened() }),
            ("slice", { try $0[0].slice(1..<3, axis: 1) }),
            ("split", { let p = try $0[0].split(sizes: [1, 3], axis: 2); return try p[1] * 2 + p[0] }),
            ("concatenate", { try Tensor.concatenate([$0[0], $0[1]], axis: 1) }),
            ("transpose", { try $0[0].reshaped([6, 4]).transposed() }),
        ]
        for (name, f) in cases {
            let r = try GradientCheck.failures([x, y]) { try f($0) }
            #expect(r.failures.isEmpty, "\(name): \(r.failures.prefix(3))")
        }
    }
}
