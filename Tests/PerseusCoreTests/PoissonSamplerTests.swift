import Foundation
import Testing
import PerseusCore

/// The Poisson sampler is exact: Pearson χ² tests of its draws against the exact Poisson
/// probabilities (computed here independently, from lgamma_r, not from the sampler's own
/// formula) at means that exercise both algorithms and their boundary.
@Suite struct PoissonSamplerTests {
    /// Exact probabilities P(k) for k in `range`, summed by direct evaluation of the pmf.
    static func probabilities(mean: Double, range: ClosedRange<Int>) -> [Double] {
        range.map { k in
            var sign: Int32 = 0
            return exp(Double(k) * log(mean) - mean - lgamma_r(Double(k) + 1, &sign))
        }
    }

    static func test(mean: Double, draws: Int, seed: UInt64) -> GoodnessOfFit.Result {
        var stream = RandomStream(seed: seed, purpose: .testing, index: UInt64(mean * 1000))
        let sigma = mean.squareRoot()
        let low = max(0, Int((mean - 7 * sigma - 5).rounded(.down)))
        let high = Int((mean + 7 * sigma + 10).rounded(.up))
        var observed = [Int](repeating: 0, count: high - low + 1)
        var outside = 0
        for _ in 0..<draws {
            let k = stream.poisson(mean: mean)
            if k >= low && k <= high { observed[k - low] += 1 } else { outside += 1 }
        }
        // Mass outside ±7σ is < 1e-11 for every mean tested: an outside draw would be a failure.
        #expect(outside == 0, "draw outside ±7σ at mean \(mean)")
        return GoodnessOfFit.chiSquared(observed: observed, probabilities: probabilities(mean: mean, range: low...high))
    }

    @Test(arguments: [0.05, 0.7, 3.0, 9.99, 10.0, 17.5, 120.0, 4.4e3, 1e6, 1e9])
    func chiSquaredGoodnessOfFit(mean: Double) {
        let result = Self.test(mean: mean, draws: 200_000, seed: 20_191_113)
        // Fixed seed: deterministic. α = 1e-3 per mean keeps the family-wise false-alarm rate ~1%.
        #expect(result.pValue > 1e-3, "mean \(mean): \(result)")
    }

    @Test func zeroMeanGivesZero() {
        var stream = RandomStream(seed: 1, purpose: .testing)
        for _ in 0..<100 { #expect(stream.poisson(mean: 0) == 0) }
    }

    @Test func sampleMeanAndVarianceAtLargeMean() {
        var stream = RandomStream(seed: 7, purpose: .testing)
        let n = 100_000
        let mean = 2.5e8
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let x = Double(stream.poisson(mean: mean)) - mean
            sum += x; sumSquares += x * x
        }
        let sampleMean = sum / Double(n)
        let variance = sumSquares / Double(n) - sampleMean * sampleMean
        // Standard error of the mean is √(mean/n) = 50; of the variance ≈ mean·√(2/n).
        #expect(abs(sampleMean) < 4 * (mean / Double(n)).squareRoot())
        #expect(abs(variance / mean - 1) < 4 * (2.0 / Double(n)).squareRoot())
    }

    @Test func validationNamesTheOffendingIndex() {
        #expect(throws: InvalidArgument.self) { try PoissonMath.validate(means: [1, 2, -1]) }
        #expect(throws: InvalidArgument.self) { try PoissonMath.validate(means: [1, .nan]) }
        do {
            try PoissonMath.validate(means: [1, 2, .infinity], what: "expected counts")
        } catch {
            #expect(error.description.contains("expected counts[2]"))
        }
    }
}
