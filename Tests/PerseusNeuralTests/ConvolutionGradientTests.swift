import Testing
@testable import PerseusNeural

/// Convolutions, transposed convolutions and pooling: gradients against finite differences, and
/// output sizes against PyTorch's formulas. (Values are cross-checked against PyTorch itself in
/// `TorchCrossCheckTests`.)
@Suite struct ConvolutionGradientTests {
    @Test func conv1dGradients() throws {
        let x = try GradientCheck.uniform([2, 3, 9])
        let w = try GradientCheck.uniform([4, 3, 3], seed: 2)
        let b = try GradientCheck.uniform([4], seed: 3)
        for (stride, padding, dilation) in [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 1, 1)] {
            let r = try GradientCheck.failures([x, w, b]) {
                try conv1d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding, dilation: dilation)
            }
            #expect(r.failures.isEmpty, "stride \(stride) padding \(padding) dilation \(dilation): \(r.failures.prefix(3))")
        }
    }

    @Test func convTranspose1dGradients() throws {
        let x = try GradientCheck.uniform([2, 3, 5])
        let w = try GradientCheck.uniform([3, 2, 3], seed: 2)
        let b = try GradientCheck.uniform([2], seed: 3)
        for (stride, padding, outputPadding, dilation) in [(1, 0, 0, 1), (2, 1, 1, 1), (2, 0, 1, 2), (3, 1, 2, 1)] {
            let r = try GradientCheck.failures([x, w, b]) {
                try convTranspose1d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding,
                                    outputPadding: outputPadding, dilation: dilation)
            }
            #expect(r.failures.isEmpty, "stride \(stride) padding \(padding) output padding \(outputPadding): \(r.failures.prefix(3))")
        }
        let y = try convTranspose1d(x, weight: w, stride: 2, padding: 1, outputPadding: 1)
        #expect(y.shape == [2, 2, 10])   // (5−1)·2 − 2 + 2 + 1 + 1
        #expect(throws: NeuralError.self) { try convTranspose1d(x, weight: w, stride: 2, outputPadding: 2) }
    }

    @Test func conv2dGradients() throws {
        let x = try GradientCheck.uniform([2, 2, 5, 6])
        let w = try GradientCheck.uniform([3, 2, 3, 2], seed: 2)
        let b = try GradientCheck.uniform([3], seed: 3)
        for (stride, padding) in [((1, 1), (0, 0)), ((2, 1), (1, 1)), ((1, 2), (1, 0))] {
            let r = try GradientCheck.failures([x, w, b]) {
                try conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding)
            }
            #expect(r.failures.isEmpty, "stride \(stride) padding \(padding): \(r.failures.prefix(3))")
        }
        #expect(try conv2d(x, weight: w, padding: (1, 1)).shape == [2, 3, 5, 7])
        #expect(throws: NeuralError.self) { try conv2d(x, weight: try Tensor(zeros: [3, 1, 3, 3])) }
    }

    @Test func poolingGradients() throws {
        // Distinct values so that the maximum of each window is unique.
        let x1 = try Tensor(shape: [2, 2, 7], values: (0..<28).map { Float(($0 * 17) % 28) * 0.1 })
        let x2 = try Tensor(shape: [1, 2, 5, 6], values: (0..<60).map { Float(($0 * 23) % 60) * 0.05 })
        let cases: [(String, Tensor, ([Tensor]) throws -> Tensor)] = [
            ("maxPool1d", x1, { try maxPool1d($0[0], kernel: 2) }),
            ("maxPool1d strided padded", x1, { try maxPool1d($0[0], kernel: 3, stride: 2, padding: 1) }),
            ("avgPool1d", x1, { try avgPool1d($0[0], kernel: 3, stride: 2, padding: 1) }),
            ("maxPool2d", x2, { try maxPool2d($0[0], kernel: (2, 2)) }),
            ("avgPool2d", x2, { try avgPool2d($0[0], kernel: (2, 3), stride: (1, 2)) }),
        ]
        for (name, x, f) in cases {
            let r = try GradientCheck.failures([x], step: 1e-3) { try f($0) }
            #expect(r.failures.isEmpty, "\(name): \(r.failures.prefix(3))")
        }
        #expect(try maxPool2d(x2, kernel: (2, 2)).shape == [1, 2, 2, 3])
        #expect(try maxPool1d(x1, kernel: 2).scalars[0] == max(x1.scalars[0], x1.scalars[1]))
    }
}
