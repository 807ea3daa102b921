import Foundation
import Testing
import PerseusCore
@testable import PerseusNeural

/// One and two compute threads give the same results up to float rounding (in practice the
/// same bits for most operations, since work is split at fixed boundaries).
@Suite(.serialized) struct ThreadingTests {
    /// Runs a forward and backward pass of a small conv/linear network with `threads` threads and
    /// returns the loss and every gradient.
    func run(threads: Int) throws -> [Float] {
        let saved = ComputeThreads.count
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(saved) }
        var s = RandomStream(seed: 1, purpose: .weightInitialisation)
        let model = Sequential([Conv1d(2, 8, kernel: 3, padding: 1, stream: &s), BatchNorm(8), Activation(.gelu),
                                ConvTranspose1d(8, 4, kernel: 3, stride: 2, padding: 1, outputPadding: 1, stream: &s),
                                Activation(.softplus), Pooling(.maximum, kernel: 2), Flatten(), Linear(4 * 300, 256, stream: &s),
                                Activation(.tanh), Linear(256, 3, stream: &s)])
        var d = RandomStream(seed: 2, purpose: .testing)
        let x = try Tensor(normal: [24, 2, 300], stream: &d)
        let y = try Tensor(normal: [24, 3], stream: &d)
        let loss = try meanSquaredError(model(x), y)
        try loss.backward()
        return [loss.scalar!] + model.parameters.flatMap { $0.gradient!.scalars }
    }

    @Test func twoThreadsMatchOne() throws {
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one.count == two.count)
        let worst = zip(one, two).map { abs($0 - $1) / (abs($0) + 1e-3) }.max()!
        #expect(worst < 1e-4, "worst relative difference \(worst)")
    }
}
