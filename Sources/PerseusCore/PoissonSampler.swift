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
///   Mathematics and Economics 12, 39–45), "PTRS". Each attempt uses two uniforms; between 35%
///   (mean 10) and 80% (mean ≥ 1e4) of attempts are accepted by the squeeze without a logarithm,
///   the rest by the exact test, where log(mean^k e^−mean / k!) uses tabulated log k! for
///   k < 4096 and, above, k·log1p((mean − k)/k) + (k − mean) − ½ log(2πk) − (Stirling
///   remainder), accurate to ~1e-12 absolute even at mean = 1e9.
///
/// No Gaussian or other approximation is used at any mean; both methods are exact samplers up
/// to floating-point rounding. The batched form for whole spectra is in `PoissonBatch.swift`.
extension RandomStream {
    /// Means from this value up use PTRS; below it, inversion.
    public static let poissonRejectionThreshold = 10.0

    /// One Poisson deviate with the given mean (which must be finite and ≥ 0).
    @inlinable
    public mutating func poisson(mean: Double) -> Int {
        precondition(mean >= 0 && mean <= PoissonMath.maximumMean, "Poisson mean must be finite and ≥ 0")
        if mean < RandomStream.poissonRejectionThreshold {
            return mean == 0 ? 0 : poissonInversion(mean)
        }
        return poissonPTRS(mean)
    }

    /// Inversion by sequential search from 0, for 0 < mean < 10.
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

    /// PTRS for mean ≥ 10: repeated attempts until one is accepted.
    @inlinable
    mutating func poissonPTRS(_ mean: Double) -> Int {
        let constants = PoissonMath.PTRSConstants(mean: mean)
        while true {
            let u = uniform()
            let v = uniform()
            if let k = constants.attempt(u: u, v: v, mean: mean) { return k }
        }
    }
}

/// Log-probabilities, constants and checks used by the Poisson samplers.
public enum PoissonMath {
    /// Largest mean accepted: counts must fit a 32-bit integer with margin.
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
    /// log k! for k < `logFactorialCount`.
    @usableFromInline static let logFactorialCount = 4096
    @usableFromInline static let logFactorials: [Double] = (0..<logFactorialCount).map {
        SpecialFunctions.logGamma(Double($0) + 1)
    }

    /// log P(k | mean) = k log(mean) − mean − log k!, accurate for large k and mean.
    @inlinable
    public static func logProbability(k: Double, mean: Double) -> Double {
        if k < Double(logFactorialCount) {
            return logFactorials.withUnsafeBufferPointer { k * log(mean) - mean - $0[Int(k)] }
        }
        let inverse = 1 / k
        let inverse2 = inverse * inverse
        // Stirling remainder of log k! beyond k log k − k + ½ log(2πk).
        let remainder = inverse * (1.0 / 12 - inverse2 * (1.0 / 360 - inverse2 * (1.0 / 1260 - inverse2 / 1680)))
        return k * log1p((mean - k) * inverse) + (k - mean) - 0.5 * log(2 * Double.pi * k) - remainder
    }

    /// Hörmann's PTRS constants for one mean (≥ 10).
    @usableFromInline
    struct PTRSConstants {
        @usableFromInline let a: Double
        @usableFromInline let b: Double
        @usableFromInline let squeeze: Double

        @inlinable init(mean: Double) {
            b = 0.931 + 2.53 * mean.squareRoot()
            a = -0.059 + 0.02483 * b
            squeeze = 0.9277 - 3.6224 / (b - 2)
        }

        /// One PTRS attempt with uniforms u, v in (0, 1): the deviate if accepted, nil if rejected.
        @inlinable
        func attempt(u uniformU: Double, v: Double, mean: Double) -> Int? {
            let u = uniformU - 0.5
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= squeeze { return Int(k) }
            return exactTest(us: us, v: v, k: k, mean: mean) ? Int(k) : nil
        }

        /// The part of an attempt after the squeeze has failed: quick rejection, then the exact
        /// acceptance test.
        @inlinable
        func exactTest(us: Double, v: Double, k: Double, mean: Double) -> Bool {
            if k < 0 || (us < 0.013 && v > us) { return false }
            let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
            let lhs = log(v * inverseAlpha / (a / (us * us) + b))
            return lhs <= PoissonMath.logProbability(k: k, mean: mean)
        }
    }
}
