/// Vectorised elementary functions on 16 Float32 lanes.
///
/// The standard library's scalar `exp`, `log` and `tanh` cost several nanoseconds per element
/// and do not vectorise; these versions evaluate 16 lanes at once with branch-free arithmetic.
/// Accuracy (measured against the double-precision libm functions in the tests):
/// - `exp`: Cody–Waite range reduction x = n·ln 2 + r and the degree-6 polynomial of Cephes
///   `expf` (S. L. Moshier); ≤ 2 ulp over [−87, 88.7]; +∞ above 88.72, 0 below −87 (where the
///   true value is below 2.1·10⁻³⁸), NaN propagates.
/// - `log`: mantissa/exponent split and the Cephes `logf` polynomial; ≤ 2 ulp for normal
///   positive x; log 0 = −∞, log(x < 0) = NaN, log(+∞) = +∞.
/// - `log1p`: Goldberg's correction log(1+u)·u/((1+u)−1), accurate for tiny u.
/// - `tanh`: the Cephes odd polynomial for |x| < 0.625, 1 − 2/(e^{2|x|}+1) above.
/// - `erfc`: erfc(|z|) = t·Q(t)·e^{−z²} with t = 1/(1 + 0.47047|z|) (the substitution of
///   Abramowitz & Stegun 7.1.26) and Q a degree-9 polynomial fitted by scripts/fit_erfcx.py:
///   t·Q(t) matches erfc(z)·e^{z²} within 3.7·10⁻⁷ relative for every z ≥ 0 in single precision.
///   The rounding of z² adds about z²·2⁻²⁴, so the normal tail Φ(x) = erfc(−x/√2)/2 has
///   relative error < 3·10⁻⁶ for x > −5 and < 3·10⁻⁵ down to x = −12 (where 1 + erf(x/√2)
///   would have lost every digit). Φ and φ share the one exponential e^{−x²/2}.
enum VectorMath {
    typealias V = SIMD16<Float>
    typealias U = SIMD16<UInt32>
    typealias I = SIMD16<Int32>

    @_transparent
    static func exp(_ x: V) -> V {
        let log2e: Float = 1.44269504088896341
        let ln2High: Float = 0.693359375
        let ln2Low: Float = -2.12194440e-4
        var clamped = x.replacing(with: -87.3, where: x .< -87.3)
        clamped.replace(with: 88.72, where: x .> 88.72)
        // Round to nearest with the 1.5·2^23 trick: the low mantissa bits hold n.
        let shifted = clamped * log2e + 12582912.0
        let n = shifted - 12582912.0
        let r = clamped - n * ln2High - n * ln2Low
        let r2 = r * r
        var p: V = V(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r2 + r + 1
        // 2^(n−1) via the exponent field, times 2: n may reach 128.
        let nBits = unsafeBitCast(shifted, to: U.self) &- 0x4B40_0000   // n as two's complement in the low bits
        let scaleBits = (nBits &+ 126) &<< 23
        // Below −87 the scale is 0 (results under 2·10⁻³⁸ flush to 0); NaN propagates through r.
        var result = er * unsafeBitCast(scaleBits, to: V.self) * 2
        result.replace(with: .infinity, where: x .> 88.7228391)
        return result
    }

    @_transparent
    static func log(_ xIn: V) -> V {
        var x = xIn
        // Scale subnormals into the normal range.
        let tiny = xIn .< 1.17549435e-38
        x.replace(with: xIn * 8388608.0, where: tiny)
        let bits = unsafeBitCast(x, to: U.self)
        var e = unsafeBitCast((bits &>> 23) & 0xFF, to: I.self) &- 127
        e.replace(with: e &- 23, where: tiny)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: V.self)   // [1, 2)
        let big = m .> 1.41421356
        m.replace(with: m * 0.5, where: big)
        e.replace(with: e &+ 1, where: big)
        let f = m - 1
        let z = f * f
        var p = V(repeating: 7.0376836292e-2)
        p = p * f - 1.1514610310e-1
        p = p * f + 1.1676998740e-1
        p = p * f - 1.2420140846e-1
        p = p * f + 1.4249322787e-1
        p = p * f - 1.6668057665e-1
        p = p * f + 2.0000714765e-1
        p = p * f - 2.4999993993e-1
        p = p * f + 3.3333331174e-1
        let fe = V(e)
        var y = f * z * p
        y = y + fe * -2.12194440e-4
        y = y - 0.5 * z
        var result = f + y + fe * 0.693359375
        result.replace(with: -.infinity, where: xIn .== 0)
        result.replace(with: .nan, where: xIn .< 0)
        result.replace(with: .infinity, where: xIn .== .infinity)
        result.replace(with: xIn, where: xIn .!= xIn)
        return result
    }

    /// log(1 + u) for u > −1, accurate when u is tiny.
    @_transparent
    static func log1p(_ u: V) -> V {
        let w = u + 1
        let d = w - 1
        var result = log(w) * (u / d)
        result.replace(with: u, where: d .== 0)
        return result
    }

    @_transparent
    static func tanh(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        // |x| ≥ 0.625: 1 − 2/(e^{2|x|} + 1), with the sign restored.
        let e = exp(a + a)
        var large = 1 - 2 / (e + 1)
        large.replace(with: -large, where: x .< 0)
        // |x| < 0.625: odd polynomial.
        let z = x * x
        var p = V(repeating: -5.70498872745e-3)
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = p * z * x + x
        var result = large.replacing(with: small, where: a .< 0.625)
        result.replace(with: x, where: x .!= x)
        return result
    }

    @_transparent
    static func sigmoid(_ x: V) -> V {
        1 / (1 + exp(-x))
    }

    /// Numerically stable softplus: max(x, 0) + log1p(e^{−|x|}).
    @_transparent
    static func softplus(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        return x.replacing(with: 0, where: x .< 0) + log1p(exp(-a))
    }

    /// erfc(a)·exp(a²) for a ≥ 0, as t·Q(t) with t = 1/(1 + p·a) (see `scripts/fit_erfcx.py`).
    @_transparent
    static func scaledErfc(_ a: V) -> V {
        let t = 1 / (1 + 0.47047 * a)
        var q = V(repeating: -4.102596641e-02)
        q = q * t + 1.639421731e-01
        q = q * t - 1.990530491e-01
        q = q * t + 1.767879166e-02
        q = q * t + 1.781549491e-02
        q = q * t + 9.551616013e-02
        q = q * t + 1.783002019e-01
        q = q * t + 2.359537929e-01
        q = q * t + 2.654380798e-01
        q = q * t + 2.654342651e-01
        return t * q
    }

    /// Complementary error function.
    @_transparent
    static func erfc(_ z: V) -> V {
        let a = z.replacing(with: -z, where: z .< 0)
        let ans = scaledErfc(a) * exp(-a * a)
        return ans.replacing(with: 2 - ans, where: z .< 0)
    }

    /// Standard normal cumulative distribution Φ(x) = erfc(−x/√2)/2.
    @_transparent
    static func normalCDF(_ x: V) -> V {
        normalCDFAndDensity(x).cdf
    }

    /// Φ(x) and φ(x) sharing one exponential: with a = |x|/√2 and E = e^{−x²/2},
    /// Φ = ½·erfcx(a)·E for x < 0 (1 − that for x ≥ 0) and φ = E/√(2π).
    @_transparent
    static func normalCDFAndDensity(_ x: V) -> (cdf: V, density: V) {
        let ax = x.replacing(with: -x, where: x .< 0)
        let e = exp(-0.5 * x * x)
        let half = 0.5 * scaledErfc(ax * 0.70710678118654752) * e
        return (half.replacing(with: 1 - half, where: x .>= 0), 0.39894228040143268 * e)
    }

    /// Standard normal density φ(x).
    @_transparent
    static func normalPDF(_ x: V) -> V {
        0.39894228040143268 * exp(-0.5 * x * x)
    }
}
