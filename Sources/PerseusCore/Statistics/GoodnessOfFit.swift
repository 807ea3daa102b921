import Foundation

/// Classical goodness-of-fit tests used to validate samplers and simulations.
public enum GoodnessOfFit {
    /// Result of a test: the statistic, its degrees of freedom where defined, and the p-value.
    public struct Result: Sendable, CustomStringConvertible {
        public let statistic: Double
        public let degreesOfFreedom: Int
        public let pValue: Double
        public var description: String {
            String(format: "statistic %.4g (dof %d), p = %.4g", statistic, degreesOfFreedom, pValue)
        }
    }

    /// Pearson's χ² test of observed category counts against expected probabilities.
    ///
    /// Adjacent categories are merged (in order) until each expected count is at least
    /// `minimumExpected`, so tails of discrete distributions can be passed as they are.
    /// - Parameters:
    ///   - observed: counts per category.
    ///   - probabilities: the model probability of each category; they should sum to ~1 (the
    ///     remainder, if any, is treated as a final category with zero observations).
    ///   - fittedParameters: parameters estimated from the same data (reduces the dof).
    public static func chiSquared(observed: [Int], probabilities: [Double], minimumExpected: Double = 5,
                                  fittedParameters: Int = 0) -> Result {
        precondition(observed.count == probabilities.count && !observed.isEmpty)
        let total = Double(observed.reduce(0, +))
        var cells: [(observed: Double, expected: Double)] = []
        var accObserved = 0.0, accExpected = 0.0
        for i in observed.indices {
            accObserved += Double(observed[i])
            accExpected += probabilities[i] * total
            if accExpected >= minimumExpected {
                cells.append((accObserved, accExpected))
                accObserved = 0; accExpected = 0
            }
        }
        let remainder = max(0, 1 - probabilities.reduce(0, +)) * total
        accExpected += remainder
        if accExpected > 0 || accObserved > 0 {
            if cells.isEmpty || accExpected >= minimumExpected {
                cells.append((accObserved, accExpected))
            } else {
                cells[cells.count - 1].observed += accObserved
                cells[cells.count - 1].expected += accExpected
            }
        }
        var statistic = 0.0
        for cell in cells where cell.expected > 0 {
            let d = cell.observed - cell.expected
            statistic += d * d / cell.expected
        }
        let dof = max(1, cells.count - 1 - fittedParameters)
        return Result(statistic: statistic, degreesOfFreedom: dof,
                      pValue: ChiSquaredDistribution.survival(statistic, degreesOfFreedom: Double(dof)))
    }

    /// One-sample Kolmogorov–Smirnov test of `sample` against the continuous `cdf`.
    /// The p-value uses the asymptotic Kolmogorov distribution with Stephens's finite-n
    /// correction (√n + 0.12 + 0.11/√n) D.
    public static func kolmogorovSmirnov(_ sample: [Double], cdf: (Double) -> Double) -> Result {
        precondition(!sample.isEmpty)
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        let root = n.squareRoot()
        return Result(statistic: d, degreesOfFreedom: sorted.count,
                      pValue: KolmogorovDistribution.survival((root + 0.12 + 0.11 / root) * d))
    }

    /// Two-sample Kolmogorov–Smirnov test (asymptotic p-value with the effective sample size).
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> Result {
        precondition(!a.isEmpty && !b.isEmpty)
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        let na = Double(x.count), nb = Double(y.count)
        while i < x.count && j < y.count {
            let v = min(x[i], y[j])
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
            d = max(d, abs(Double(i) / na - Double(j) / nb))
        }
        let effective = (na * nb / (na + nb)).squareRoot()
        return Result(statistic: d, degreesOfFreedom: x.count + y.count,
                      pValue: KolmogorovDistribution.survival((effective + 0.12 + 0.11 / effective) * d))
    }
}

/// The limiting distribution of √n·D for the Kolmogorov–Smirnov statistic.
public enum KolmogorovDistribution {
    /// P(K > λ) = 2 Σ_{j≥1} (−1)^{j−1} exp(−2 j² λ²).
    public static func survival(_ lambda: Double) -> Double {
        if lambda < 0.2 { return 1 }
        var sum = 0.0
        var sign = 1.0
        for j in 1...100 {
            let term = exp(-2 * Double(j * j) * lambda * lambda)
            sum += sign * term
            if term < 1e-17 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }
}
