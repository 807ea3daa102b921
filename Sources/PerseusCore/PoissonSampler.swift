import Foundation

/// Exact Poisson deviates for any mean from 0 to beyond 1e9.
///
/// - Means below 10: inversion by sequential search from k = 0 (one uniform and on average
///   mean + 1 multiply–adds per draw). The search stops at k = 127, where the remaining tail
///   probability is below 1e-100 for every mean < 10; if rounding leaves the cumulative sum short
///   of the uniform there (probability below 1e-15), the draw is repeated with a fresh uniform
///   rather than truncated.
/// - Means of 10 and above: the transformed rejection with squeeze of Hörmann (1993, "The
///   transformed rejection method for generating Poisson random variables", Insurance:
///   Mathematics and Economics 12, 39–45), "PTRS". About 86% of draws are accepted by the squeeze
///   with two uniforms and no logarithm; the rest use the exact acceptance test, where
///   log(mean^k e^−mean / k!) is evaluated as k·log1p((mean − k)/k) + (k − mean) − ½ log(2πk) −
///   (Stirling remainder) so that it stays accurate to ~1e-12 absolute even at mean = 1e9.
///
/// No Gaussian or other approximation is used at any mean; both methods are exact samplers up
/// to floating-point rounding. The statistical tests check χ² goodness of fit at several means.
extension RandomStream {
    /// Means from this value up use PTRS; below it, inversion.
    public static let poissonRejectionThreshold = 10.0

    /// One Poisson deviate with the given mean (which must be finite and ≥ 0).
    @inlinable
    public mutating func poisson(mean: Double) -> Int {
        precondition(mean >= 0 && mean.isFinite, "Poisson mean must be finite and ≥ 0, got \(mean)")
        if mean < RandomStream.poissonRejectionThreshold {
            return mean == 0 ? 0 : poissonInversion(mean)
        }
        return poissonPTRS(mean)
    }

    @inlinable
    mutating func poissonInversion(_ mean: Double) -> Int {
        let p0 = exp(-mean)
        return PoissonMath.reciprocals.withUnsafeBufferPointer { reciprocal in
            while true {
                let u = uniform()
                var k = 0
                var p = p0
                var cumulative = p0
                while u > cumulative && k < PoissonMath.inversionLimit {
                    k &+= 1
                    p *= mean * reciprocal[k]
                    cumulative += p
                }
                if u <= cumulative { return k }   // else rounding left the sum short: redraw
            }
        }
    }

    @inlinable
    mutating func poissonPTRS(_ mean: Double) -> Int {
        let rootMean = mean.squareRoot()
        let b = 0.931 + 2.53 * rootMean
        let a = -0.059 + 0.02483 * b
        let squeeze = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let kReal = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= squeeze { return Int(kReal) }
            if kReal < 0 || (us < 0.013 && v > us) { continue }
            let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
            let lhs = log(v * inverseAlpha / (a / (us * us) + b))
            if lhs <= PoissonMath.logProbability(k: kReal, mean: mean) { return Int(kReal) }
        }
    }

    /// Fills `counts` with Poisson deviates of `means`, in order.
    /// - Precondition: every mean is finite and ≥ 0 (see `PoissonMath.validate`).
    @inlinable
    public mutating func poisson(means: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Double>) {
        precondition(means.count == counts.count)
        for i in 0..<means.count { counts[i] = Double(poisson(mean: means[i])) }
    }

    /// Fills `counts` with Poisson deviates of `means`, in order, as 32-bit integers.
    @inlinable
    public mutating func poisson(means: UnsafeBufferPointer<Double>, into counts: UnsafeMutableBufferPointer<Int32>) {
        precondition(means.count == counts.count)
        for i in 0..<means.count { counts[i] = Int32(truncatingIfNeeded: poisson(mean: means[i])) }
    }

    /// Poisson deviates of `means`, in order.
    public mutating func poisson(means: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: means.count)
        means.withUnsafeBufferPointer { m in
            out.withUnsafeMutableBufferPointer { poisson(means: m, into: $0) }
        }
        return out
    }
}

/// Log-probabilities and checks used by the Poisson sampler.
public enum PoissonMath {
    /// Largest mean accepted by `validate`: counts must fit a 32-bit integer with margin.
    public static let maximumMean = 2.0e9

    /// Checks that every mean is finite, ≥ 0 and ≤ `maximumMean`.
    /// - Throws: `InvalidArgument` naming the first offending index and value.
    public static func validate(means: some Collection<Double>, what: String = "expected counts") throws(InvalidArgument) {
        for (i, m) in means.enumerated() where !(m >= 0 && m <= maximumMean) {
            throw InvalidArgument("\(what)[\(i)] = \(m); expected a finite value in 0…\(maximumMean)")
        }
    }

    /// Last k examined by the inversion search.
    @usableFromInline static let inversionLimit = 127
    /// 1/k for k = 0…inversionLimit (index 0 unused).
    @usableFromInline static let reciprocals: [Double] = (0...inversionLimit).map { $0 == 0 ? 0 : 1 / Double($0) }

    @usableFromInline static let logFactorials: [Double] = (0..<16).map { lgamma(Double($0) + 1) }

    /// log P(k | mean) = k log(mean) − mean − log k!, accurate for large k and mean.
    @inlinable
    public static func logProbability(k: Double, mean: Double) -> Double {
        if k < 16 {
            return k * log(mean) - mean - logFactorials[Int(k)]
        }
        let inverse = 1 / k
        let inverse2 = inverse * inverse
        // Stirling remainder of log k! beyond k log k − k + ½ log(2πk).
        let remainder = inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)))
        return k * log1p((mean - k) * inverse) + (k - mean) - 0.5 * log(2 * Double.pi * k) - remainder
    }
}
