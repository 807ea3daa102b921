import Testing
import PerseusCore
@testable import PerseusNeural

/// Batch normalisation (training and inference) and dropout.
@Suite struct NormalizationGradientTests {
    @Test func batchNormTrainingGradients() throws {
        for shape in [[6, 3], [4, 3, 5], [3, 2, 3, 4]] {
            let x = try GradientCheck.uniform(shape, -2..<2)
            let gamma = try GradientCheck.uniform([shape[1]], 0.5..<1.5, seed: 2)
            let beta = try GradientCheck.uniform([shape[1]], seed: 3)
            let r = try GradientCheck.failures([x, gamma, beta], step: 3e-3) {
                try batchNorm($0[0], scale: $0[1], shift: $0[2], statistics: RunningStatistics(channels: shape[1]), training: true)
            }
            #expect(r.failures.isEmpty, "\(shape): \(r.failures.prefix(3))")
        }
    }

    @Test func batchNormInferenceGradients() throws {
        let stats = RunningStatistics(channels: 3)
        try stats.assign(mean: Tensor(shape: [3], values: [0.1, -0.2, 0.3] as [Float]),
                         variance: Tensor(shape: [3], values: [0.5, 2, 1.5] as [Float]), batchesTracked: 4)
        let x = try GradientCheck.uniform([4, 3, 5])
        let gamma = try GradientCheck.uniform([3], 0.5..<1.5, seed: 2)
        let beta = try GradientCheck.uniform([3], seed: 3)
        let r = try GradientCheck.failures([x, gamma, beta]) {
            try batchNorm($0[0], scale: $0[1], shift: $0[2], statistics: stats, training: false)
        }
        #expect(r.failures.isEmpty, "\(r.failures.prefix(3))")
        #expect(stats.batchesTracked == 4)   // inference leaves the statistics alone
    }

    @Test func batchNormStatistics() throws {
        // Channel 0 holds 1…8, channel 1 holds 10× that.
        let values: [Float] = [1, 2, 3, 4, 10, 20, 30, 40, 5, 6, 7, 8, 50, 60, 70, 80]
        let x = try Tensor(shape: [2, 2, 4], values: values)
        let stats = RunningStatistics(channels: 2)
        let y = try batchNorm(x, scale: nil, shift: nil, statistics: stats, training: true, momentum: 0.1)
        // Batch mean 4.5, biased variance 5.25, unbiased 6.
        #expect(abs(stats.mean.scalars[0] - 0.45) < 1e-6)
        #expect(abs(stats.variance.scalars[0] - (0.9 + 0.6)) < 1e-5)
        #expect(abs(y.scalars[0] - (1 - 4.5) / (5.25 + 1e-5).squareRoot()) < 1e-5)
        #expect(stats.batchesTracked == 1)
        // A large offset (|mean| = 10⁴ σ) must not cost the variance its accuracy.
        var r = RandomStream(seed: 3, purpose: .testing)
        let offsetValues = (0..<4000).map { _ in Float(1000 + 0.1 * r.normal()) }
        let sampleVariance: Double = {
            let d = offsetValues.map(Double.init), mean = d.reduce(0, +) / 4000
            return d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3999
        }()
        let offsetStats = RunningStatistics(channels: 1)
        _ = try batchNorm(try Tensor(shape: [40, 1, 100], values: offsetValues), scale: nil, shift: nil,
                          statistics: offsetStats, training: true, momentum: 1)
        #expect(abs(Double(offsetStats.variance.scalars[0]) - sampleVariance) < 1e-3 * sampleVariance)
        #expect(throws: NeuralError.self) {
            try batchNorm(try Tensor(zeros: [1, 2]), scale: nil, shift: nil, statistics: stats, training: true)
        }
    }

    @Test func dropoutMaskAndGradient() throws {
        let p = Parameter(try Tensor(repeating: 1, shape: [10_000]))
        var stream = RandomStream(seed: 5, purpose: .dropout)
        let y = try dropout(p.tensor, probability: 0.3, stream: &stream)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        // Binomial(10000, 0.7): 7000 ± 46; allow 5σ.
        #expect(abs(kept.count - 7000) < 230)
        try y.sum().backward()
        #expect(p.gradient!.scalars == y.scalars)
        // Same stream, same mask.
        var again = RandomStream(seed: 5, purpose: .dropout)
        #expect(try dropout(p.tensor, probability: 0.3, stream: &again).scalars == y.scalars)
        #expect(throws: NeuralError.self) { try dropout(p.tensor, probability: 1, stream: &again) }
        // The layer is the identity in inference mode.
        let layer = Dropout(probability: 0.5, seed: 1)
        layer.eval()
        #expect(try layer(p.tensor).scalars == p.value.scalars)
    }
}
