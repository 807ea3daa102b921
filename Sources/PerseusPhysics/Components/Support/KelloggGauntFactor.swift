import Foundation

/// The thermally averaged free-free Gaunt factor that XSPEC's `bremss` uses.
///
/// Kellogg, Baldwin & Koch (1975, ApJ 199, 299) fitted the Karzas & Latter (1961, ApJS 6, 167)
/// Gaunt factors by quadratic polynomials in u = E/kT times the Born approximation, on a grid in
/// γ² = Z² Ry/kT; XSPEC's routine (HEASoft `gaunt.f`) carries corrections by L. Molnar and
/// J. Hughes to three coefficients of the last column, and uses a table by R. Kurucz (via
/// L. Molnar) at low temperature. This follows that routine:
///
/// - returns 0 for E > 50 kT;
/// - with γ² = Z² · 0.01358 keV / kT (0.01358 keV = 1 Ry): for γ² > 0.1, bilinear interpolation
///   in (log γ², log u) in Kurucz's 7 × 12 table (0 outside it);
/// - otherwise the Born approximation g_B = 0.5513 e^(u/2) K₀(u/2) (√3/π ≈ 0.5513, with K₀ from
///   the Abramowitz & Stegun 9.8.5/9.8.6 polynomials), used as it is for γ²·1000 < 1 and
///   multiplied by the KBK polynomial a₀ + a₁u + a₂u² (u floored at 0.003) interpolated
///   linearly in γ²·1000 (capped at 100) between the two bracketing columns otherwise.
enum KelloggGauntFactor {
    /// KBK coefficients a_k(n, m), n = 1…6 (u ranges ≤0.03, ≤0.3, ≤1, ≤5, ≤15, >15),
    /// m = 1…7 (γ²·1000 columns), stored [k][(m−1)·6 + (n−1)].
    static let coefficients: [[Double]] = [
        [1.001, 1.004, 1.017, 1.036, 1.056, 1.121,
         1.001, 1.005, 1.017, 1.046, 1.073, 1.115,
         0.9991, 1.005, 1.03, 1.055, 1.102, 1.176,
         0.997, 1.005, 1.035, 1.069, 1.134, 1.186,
         0.9962, 1.004, 1.042, 1.1, 1.193, 1.306,
         0.9874, 0.9962, 1.047, 1.156, 1.327, 1.485,
         0.9681, 0.9755, 1.020, 1.208, 1.525, 1.965],
        [0.3029, 0.1616, 0.04757, 0.013, 0.0049, -0.0032,
         0.4905, 0.2155, 0.08357, 0.02041, 0.00739, 0.00029,
         0.654, 0.2833, 0.08057, 0.03257, 0.00759, -0.00151,
         1.029, 0.391, 0.1266, 0.05149, 0.01274, 0.00324,
         0.9569, 0.4891, 0.1764, 0.05914, 0.01407, -0.00024,
         1.236, 0.7579, 0.326, 0.1077, 0.028, 0.00548,
         1.327, 1.017, 0.6017, 0.205, 0.0605, 0.00187],
        [-1.323, -0.254, -0.01571, -0.001, -0.000184, 0.00008,
         -4.762, -0.3386, -0.03571, -0.001786, -0.0003, 0.00001,
         -6.349, -0.4206, -0.02571, -0.003429, -0.000234, 0.00005,
         -13.231, -0.59, -0.04571, -0.005714, -0.000445, -0.00004,
         -7.672, -0.6852, -0.0643, -0.005857, -0.00042, 0.00004,
         -7.143, -0.9947, -0.12, -0.01007, -0.000851, -0.00004,
         -3.175, -1.116, -0.2270, -0.01821, -0.001729, 0.00023],
    ]
    /// Lower edge of each γ²·1000 column and the column spacing.
    static let columnStart: [Double] = [1, 1.7783, 3, 5.6234, 10, 30]
    static let columnWidth: [Double] = [0.7783, 1.2217, 2.6234, 4.3766, 20, 70]

    /// Kurucz's low-temperature Gaunt factors, j = 1…7 along 2 log γ² + 3, k = 1…12 along
    /// 2 log u + 9, stored [(k−1)·7 + (j−1)].
    static let kurucz: [Double] = [
        5.40, 5.25, 5.00, 4.69, 4.48, 4.16, 3.85,
        4.77, 4.63, 4.40, 4.13, 3.87, 3.52, 3.27,
        4.15, 4.02, 3.80, 3.57, 3.27, 2.98, 2.70,
        3.54, 3.41, 3.22, 2.97, 2.70, 2.45, 2.20,
        2.94, 2.81, 2.65, 2.44, 2.21, 2.01, 1.81,
        2.41, 2.32, 2.19, 2.02, 1.84, 1.67, 1.50,
        1.95, 1.90, 1.80, 1.68, 1.52, 1.41, 1.30,
        1.55, 1.56, 1.51, 1.42, 1.33, 1.25, 1.17,
        1.17, 1.30, 1.32, 1.30, 1.20, 1.15, 1.11,
        0.86, 1.00, 1.15, 1.18, 1.15, 1.11, 1.08,
        0.59, 0.76, 0.97, 1.09, 1.13, 1.10, 1.08,
        0.38, 0.53, 0.76, 0.96, 1.08, 1.09, 1.09,
    ]

    /// Energies u = E/kT where the fit changes branch or has a kink (KBK u ranges and the 0.003
    /// floor, the switch between the two K₀ approximations at u = 4, Kurucz's grid lines, the
    /// 50 kT cut-off); the integrand of `bremss` is split there.
    static let breakpoints: [Double] = {
        var points: Set<Double> = [0.003, 0.03, 0.3, 1, 4, 5, 15, 50]
        for k in 1...12 { points.insert(Foundation.pow(10, (Double(k) - 9) / 2)) }
        return points.sorted()
    }()

    /// The Gaunt factor at photon energy `energy` [keV], temperature `kT` [keV], ion charge `z`.
    static func value(energy: Double, kT: Double, charge z: Double) -> Double {
        if kT == 0 || energy == 0 || energy > 50 * kT { return 0 }
        let u = energy / kT
        let gamma2 = z * z * 0.01358 / kT
        if gamma2 > 0.1 { return kuruczValue(u: u, gamma2: gamma2) }
        let born = bornApproximation(u: u)
        let g1000 = Swift.min(gamma2 * 1000, 100)
        if g1000 < 1 { return born }
        let uu = Swift.max(u, 0.003)
        let n: Int
        switch uu {
        case ...0.03: n = 0
        case ...0.30: n = 1
        case ...1.0: n = 2
        case ...5.0: n = 3
        case ...15.0: n = 4
        default: n = 5
        }
        let m: Int
        switch g1000 {
        case ...1.773: m = 0
        case ...3.0: m = 1
        case ...5.6234: m = 2
        case ...10.0: m = 3
        case ...30.0: m = 4
        default: m = 5
        }
        @inline(__always) func polynomial(_ column: Int) -> Double {
            let index = column * 6 + n
            return coefficients[0][index] + coefficients[1][index] * uu + coefficients[2][index] * uu * uu
        }
        let p = (g1000 - columnStart[m]) / columnWidth[m]
        return ((1 - p) * polynomial(m) + p * polynomial(m + 1)) * born
    }

    /// (√3/π) e^(u/2) K₀(u/2) with XSPEC's 0.5513 and A&S's K₀ polynomials.
    static func bornApproximation(u: Double) -> Double {
        let x = 0.5 * u
        let half = 0.5 * x
        let k0: Double
        if half <= 1 {
            let t = x / 3.75
            let t2 = t * t
            let i0 = 1 + t2 * (3.5156229 + t2 * (3.089942 + t2 * (1.2067492 + t2 * (0.2659732 + t2 * (0.0360768 + t2 * 0.0045813)))))
            let h2 = half * half
            k0 = -Foundation.log(half) * i0 - 0.57721566
                + h2 * (0.42278420 + h2 * (0.23069756 + h2 * (0.03488590 + h2 * (0.00262698 + h2 * (0.00010750 + h2 * 0.0000074)))))
            return 0.5513 * Foundation.exp(x) * k0
        }
        let y = -1 / half
        let scaled = 1.25331414 + y * (0.07832358 + y * (0.02189568 + y * (0.01062446 + y * (0.00587872 + y * (0.00251540 + y * 0.00053208)))))
        // e^x K₀(x) = scaled / √x
        return 0.5513 * scaled / x.squareRoot()
    }

    static func kuruczValue(u: Double, gamma2: Double) -> Double {
        let logGamma = Foundation.log10(gamma2)
        let logU = Foundation.log10(u)
        let j = Int(2 * logGamma + 3)
        let k = Swift.max(1, Int(2 * logU + 9))
        if j >= 7 || j < 1 || k >= 12 { return 0 }
        let t = (logGamma - (Double(j) - 3) / 2) / 0.5
        let s = (logU - (Double(k) - 9) / 2) / 0.5
        @inline(__always) func table(_ jj: Int, _ kk: Int) -> Double { kurucz[(kk - 1) * 7 + (jj - 1)] }
        return (1 - t) * (1 - s) * table(j, k) + t * (1 - s) * table(j + 1, k)
            + t * s * table(j + 1, k + 1) + (1 - t) * s * table(j, k + 1)
    }
}
