import Foundation

/// Special functions used by statistical tests and fit goodness. All are thread-safe.
public enum SpecialFunctions {
    /// log Γ(x) for x > 0, via the re-entrant `lgamma_r` (plain `lgamma` writes a global).
    @inlinable
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), for a > 0, x ≥ 0.
    ///
    /// Series expansion for x < a + 1, Legendre continued fraction (modified Lentz) otherwise;
    /// relative accuracy ~1e-14 (Abramowitz & Stegun 6.5.29 and 6.5.31).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "regularizedGammaP needs a > 0 and x ≥ 0")
        if x == 0 { return 0 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), accurate in the tail.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        precondition(a > 0 && x >= 0, "regularizedGammaQ needs a > 0 and x ≥ 0")
        if x == 0 { return 1 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    /// Σ xⁿ / (a (a+1) … (a+n)) · x^a e^−x / Γ(a).
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<100_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - logGamma(a))
    }

    /// Q(a, x) by the continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− …)), modified Lentz.
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - logGamma(a)) * h
    }
}

/// The χ² distribution.
public enum ChiSquaredDistribution {
    /// P(X ≥ statistic) for X ~ χ²(degreesOfFreedom): the null-hypothesis probability of a
    /// χ² test (XSPEC's "null hypothesis probability").
    public static func survival(_ statistic: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "χ² needs positive degrees of freedom")
        if statistic <= 0 { return 1 }
        return SpecialFunctions.regularizedGammaQ(degreesOfFreedom / 2, statistic / 2)
    }

    /// P(X ≤ statistic).
    public static func cdf(_ statistic: Double, degreesOfFreedom: Double) -> Double {
        if statistic <= 0 { return 0 }
        return SpecialFunctions.regularizedGammaP(degreesOfFreedom / 2, statistic / 2)
    }
}

/// The standard normal distribution.
public enum NormalDistribution {
    /// Φ(x) = P(Z ≤ x).
    public static func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    /// P(Z > x), accurate in the upper tail.
    public static func survival(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }
}
