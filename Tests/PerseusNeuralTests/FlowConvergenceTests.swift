import Foundation
import Testing
import PerseusCore
@testable import PerseusNeural

/// A 2-D RealNVP fitted to a two-moons density: the held-out log-likelihood must improve and beat
/// the best Gaussian, and samples drawn from the flow must be indistinguishable from fresh
/// two-moons samples by Kolmogorov–Smirnov tests on several projections (which do reject a
/// Gaussian with the same mean and covariance, so the test has power).
@Suite struct FlowConvergenceTests {
    /// Two interleaved half circles with Gaussian noise (σ = 0.08), standardised.
    static func moons(_ n: Int, seed: UInt64) -> [SIMD2<Double>] {
        var s = RandomStream(seed: seed, purpose: .testing)
        return (0..<n).map { i in
            let t = s.uniform(in: 0..<Double.pi)
            let p = i % 2 == 0 ? SIMD2(cos(t), sin(t)) : SIMD2(1 - cos(t), 0.5 - sin(t))
            let noisy = p + SIMD2(0.08 * s.normal(), 0.08 * s.normal())
            return (noisy - SIMD2(0.5, 0.25)) / SIMD2(0.87, 0.5)
        }
    }

    static func tensor(_ points: [SIMD2<Double>]) throws -> Tensor {
        try Tensor(shape: [points.count, 2], values: points.flatMap { [Float($0.x), Float($0.y)] })
    }

    /// Two-sample Kolmogorov–Smirnov statistic and asymptotic p-value (Numerical Recipes §14.3).
    static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> (d: Double, p: Double) {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        let ne = Double(x.count * y.count) / Double(x.count + y.count)
        let lambda = (ne.squareRoot() + 0.12 + 0.11 / ne.squareRoot()) * d
        var q = 0.0, sign = 1.0
        for k in 1...100 {
            let term = sign * 2 * exp(-2 * Double(k * k) * lambda * lambda)
            q += term
            if abs(term) < 1e-12 { break }
            sign = -sign
        }
        return (d, min(max(q, 0), 1))
    }

    /// Smallest KS p-value over the x, y and two diagonal projections.
    static func smallestPValue(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
        let projections: [SIMD2<Double>] = [SIMD2(1, 0), SIMD2(0, 1), SIMD2(1, 1), SIMD2(1, -1)]
        return projections.map { u in
            kolmogorovSmirnov(a.map { ($0 * u).sum() }, b.map { ($0 * u).sum() }).p
        }.min()!
    }

    @Test func realNVPFitsTwoMoons() throws {
        let train = Self.moons(1000, seed: 1), heldOut = try Self.tensor(Self.moons(1000, seed: 2))
        let x = try Self.tensor(train)
        var w = RandomStream(seed: 3, purpose: .weightInitialisation)
        let flow = RealNVP(dimensions: 2, blocks: 6, hidden: 64, stream: &w)
        let opt = Adam(flow.parameters, learningRate: 5e-3)
        var schedule = ReduceLearningRateOnPlateau(factor: 0.5, patience: 5)
        let initial = try withoutGradients { try flow.logLikelihood(heldOut).mean().scalar! }
        for epoch in 0..<80 {
            var total: Float = 0
            for rows in try MiniBatches(count: 1000, batchSize: 100, seed: 4, epoch: epoch) {
                opt.zeroGradients()
                let loss = try flow.negativeLogLikelihood(x.rows(rows))
                try loss.backward()
                opt.step()
                total += loss.scalar!
            }
            schedule.step(loss: total, optimiser: opt)
        }
        let final = try withoutGradients { try flow.logLikelihood(heldOut).mean().scalar! }
        // Best Gaussian on the (standardised, nearly uncorrelated) data: −log 2π − ½ log|Σ| − 1.
        let pts = Self.moons(1000, seed: 2)
        let mean = pts.reduce(SIMD2<Double>.zero, +) / 1000
        var cov = SIMD3<Double>.zero
        for p in pts { let d = p - mean; cov += SIMD3(d.x * d.x, d.x * d.y, d.y * d.y) / 1000 }
        let gaussian = -log(2 * Double.pi) - 0.5 * log(cov.x * cov.z - cov.y * cov.y) - 1
        #expect(Double(final) > Double(initial) + 1, "log-likelihood \(initial) → \(final)")
        #expect(Double(final) > gaussian + 0.3, "flow \(final) vs best Gaussian \(gaussian)")

        var noise = RandomStream(seed: 5, purpose: .latentNoise)
        let samples = try flow.sample(count: 2000, stream: &noise).scalars
        let drawn = (0..<2000).map { SIMD2(Double(samples[2 * $0]), Double(samples[2 * $0 + 1])) }
        let fresh = Self.moons(2000, seed: 6)
        let p = Self.smallestPValue(drawn, fresh)
        #expect(p > 1e-3 / 4, "smallest KS p-value \(p) (Bonferroni over 4 projections at α = 0.001)")

        // Power check: a Gaussian with the data's mean and covariance is rejected.
        var g = RandomStream(seed: 7, purpose: .testing)
        let l11 = cov.x.squareRoot(), l21 = cov.y / l11, l22 = (cov.z - l21 * l21).squareRoot()
        let gaussianSamples = (0..<2000).map { _ -> SIMD2<Double> in
            let a = g.normal(), b = g.normal()
            return mean + SIMD2(l11 * a, l21 * a + l22 * b)
        }
        #expect(Self.smallestPValue(gaussianSamples, fresh) < 1e-6)
    }

    @Test func couplingInverseAndLogDeterminant() throws {
        var w = RandomStream(seed: 8, purpose: .weightInitialisation)
        let coupling = AffineCoupling(mask: [true, false, true], hidden: 8, stream: &w)
        let x = try GradientCheck.uniform([5, 3], -2..<2)
        let (y, logDet) = try coupling(x)
        // Inverse recovers the input; kept coordinates pass through unchanged.
        let back = try coupling.inverse(y)
        #expect(zip(back.scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(stride(from: 0, to: 15, by: 3).allSatisfy { y.scalars[$0] == x.scalars[$0] })
        // log|det J| equals the log of the product of ∂yⱼ/∂xⱼ over transformed coordinates
        // (the Jacobian is triangular), measured by finite differences.
        for n in 0..<5 {
            var logDiag = 0.0
            for j in [1] {
                var plus = x.scalars, minus = x.scalars
                plus[3 * n + j] += 1e-2; minus[3 * n + j] -= 1e-2
                let yp = try coupling(Tensor(shape: [5, 3], values: plus)).output.scalars[3 * n + j]
                let ym = try coupling(Tensor(shape: [5, 3], values: minus)).output.scalars[3 * n + j]
                logDiag += log(Double(yp - ym) / 2e-2)
            }
            #expect(abs(logDiag - Double(logDet.scalars[n])) < 1e-3)
        }
        let r = try GradientCheck.failures([x], step: 1e-3) { try coupling($0[0]).output * 1 + coupling($0[0]).logDeterminant.reshaped([5, 1]) }
        #expect(r.failures.isEmpty, "\(r.failures.prefix(3))")
    }
}
