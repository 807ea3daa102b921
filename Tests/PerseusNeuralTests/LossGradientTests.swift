import Foundation
import Testing
import PerseusCore
@testable import PerseusNeural

/// Losses: values against double-precision formulas, gradients against finite differences.
@Suite struct LossGradientTests {
    @Test func gradients() throws {
        let p = try GradientCheck.uniform([3, 4], 0.5..<3)
        let t = try GradientCheck.uniform([3, 4], 0.5..<3, seed: 2)
        let v = try GradientCheck.uniform([3, 4], 0.5..<2, seed: 3)
        let cases: [(String, ([Tensor]) throws -> Tensor)] = [
            ("mse", { try meanSquaredError($0[0], $0[1]) }),
            ("mae", { try meanAbsoluteError($0[0], $0[1], reduction: .sum) }),
            ("poisson", { try poissonNegativeLogLikelihood(rate: $0[0], counts: $0[1]) }),
            ("poisson no stirling", { try poissonNegativeLogLikelihood(rate: $0[0], counts: $0[1], includeStirlingTerm: false, reduction: .none) }),
            ("gaussian", { try gaussianNegativeLogLikelihood(mean: $0[0], target: $0[1], variance: $0[2], full: true) }),
            ("kl", { try klDivergenceToStandardNormal(mean: $0[0] - 1.5, logVariance: $0[1] - 1.5) }),
            ("normal log density", { try standardNormalLogDensity($0[0]) }),
        ]
        for (name, f) in cases {
            let r = try GradientCheck.failures([p, t, v], step: 2e-3) { try f($0) }
            #expect(r.failures.isEmpty, "\(name): \(r.failures.prefix(3))")
        }
    }

    @Test func valuesAgainstDoublePrecision() throws {
        let rate: [Double] = [0.5, 2, 10, 0.01], counts: [Double] = [0, 3, 12, 1]
        let r = try Tensor(shape: [2, 2], values: rate), c = try Tensor(shape: [2, 2], values: counts)
        // Ichinohe & Yamada's per-bin term, ε = 1e-7, summed per sample and averaged over the batch.
        let eps = 1e-7
        let terms = zip(rate, counts).map { l, x in l - x * Foundation.log(l + eps) + x * Foundation.log(x + eps) - x + 0.5 * Foundation.log(x + eps) }
        let expected = (terms.reduce(0, +)) / 2
        let got = try poissonNegativeLogLikelihood(rate: r, counts: c).scalar!
        #expect(abs(Double(got) - expected) < 1e-5 * abs(expected) + 1e-5)
        // Exact Poisson likelihood for counts > 1: the Stirling form is within 1/(12x) of log x!.
        let exactTerm = 10 - 12 * Foundation.log(10.0) + lgamma(13.0)
        #expect(abs(terms[2] - exactTerm) < 1.0 / (12 * 12) + 0.5 * Foundation.log(2 * Double.pi) + 1e-6)

        let mu = try Tensor(shape: [1, 2], values: [0.5, -1] as [Float]), lv = try Tensor(shape: [1, 2], values: [0.2, -0.3] as [Float])
        let kl = try klDivergenceToStandardNormal(mean: mu, logVariance: lv).scalar!
        let klExpected = -0.5 * ((1 + 0.2 - 0.25 - Foundation.exp(0.2)) + (1 - 0.3 - 1 - Foundation.exp(-0.3)))
        #expect(abs(Double(kl) - klExpected) < 1e-6)

        let g = try gaussianNegativeLogLikelihood(mean: mu, target: lv, variance: Tensor(shape: [1, 2], values: [2, 1e-9] as [Float]),
                                                  full: true, reduction: .sum).scalar!
        let gExpected = 0.5 * (Foundation.log(2.0) + 0.09 / 2) + 0.5 * (Foundation.log(1e-6) + 0.49 / 1e-6) + Foundation.log(2 * Double.pi)
        #expect(abs(Double(g) - gExpected) < 1e-6 * gExpected)

        let z = try Tensor(shape: [1, 3], values: [0.5, -1, 2] as [Float])
        let ld = try standardNormalLogDensity(z).scalar!
        #expect(abs(Double(ld) - (-0.5 * 5.25 - 1.5 * Foundation.log(2 * Double.pi))) < 1e-5)
        #expect(throws: NeuralError.self) { try meanSquaredError(z, mu) }
    }
}
