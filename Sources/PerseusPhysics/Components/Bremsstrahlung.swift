import Foundation
import PerseusCore

/// XSPEC's `bremss`: thermal bremsstrahlung of a hydrogen–helium plasma.
///
///     A(E) = K [g(E, kT, 1) + 4 · 0.085 · g(E, kT, 2)] (kT)^−½ e^(−E/kT) / E     [photons cm⁻² s⁻¹ keV⁻¹]
///
/// for E < 50 kT and 0 above, which is XSPEC's `xsbrmv` with n(He)/n(H) = 0.085: g is the
/// free–free Gaunt factor of Kellogg, Baldwin & Koch (1975) with XSPEC's corrections and
/// Kurucz's low-temperature table (``KelloggGauntFactor``), for hydrogen (Z = 1) and helium
/// (Z = 2, whose Z² = 4 appears as the factor 4). Parameters (XSPEC model.dat): `kT` [keV]
/// (default 7, hard 1e-4…200, soft 1e-4…100) and `norm`
/// K = 3.02e-15 / (4π D²) ∫ n_e n_I dV [cm⁻⁵] with D the distance [cm] and n_e, n_I the electron
/// and ion densities [cm⁻³] (XSPEC manual).
///
/// XSPEC estimates each bin by the trapezoid of A at the two edges. Perseus integrates A over
/// each bin by Gauss–Legendre quadrature (8 nodes) in ln E, on pieces split where the Gaunt-factor
/// fit changes branch or has a kink (u = E/kT = 0.003, 0.03, 0.3, 1, 4, 5, 15, 50 and Kurucz's
/// grid lines) and at most
/// 0.1 wide in ln E and kT/2 wide in E; against adaptive quadrature of the same A(E) the relative
/// error is below 1e-10 (BremsstrahlungTests). A bin starting at 0 keV holds +∞ (the flux
/// diverges logarithmically there; XSPEC would take A(0) as 0).
public struct Bremsstrahlung: SpectralComponent {
    public init() {}
    public var name: String { "bremss" }
    public var kind: ComponentKind { .additive }
    public var parameters: [ParameterInfo] {
        [ParameterInfo(name: "kT", unit: "keV", defaultValue: 7, hardMin: 1e-4, hardMax: 200, softMin: 1e-4, softMax: 100),
         .norm]
    }

    /// Helium to hydrogen number ratio assumed by XSPEC's `bremss`.
    public static let heliumToHydrogen = 0.085

    public func prepared(for grid: EnergyGrid) throws -> any PreparedComponent {
        Prepared(edges: BinEdges(grid))
    }

    /// A(E) for K = 1 [photons cm⁻² s⁻¹ keV⁻¹].
    public static func photonSpectrum(energy: Double, kT: Double) -> Double {
        guard energy > 0, energy < 50 * kT else { return 0 }
        return energyWeighted(energy: energy, kT: kT) / energy
    }

    /// E · A(E), the integrand in ln E.
    @inline(__always)
    static func energyWeighted(energy: Double, kT: Double) -> Double {
        guard energy < 50 * kT else { return 0 }
        let gaunt = KelloggGauntFactor.value(energy: energy, kT: kT, charge: 1)
            + 4 * heliumToHydrogen * KelloggGauntFactor.value(energy: energy, kT: kT, charge: 2)
        return gaunt * Foundation.exp(-energy / kT) / kT.squareRoot()
    }

    /// ∫ A(E) dE over [lower, upper] for K = 1.
    static func integral(from lower: Double, to upper: Double, kT: Double) -> Double {
        let cutoff = 50 * kT
        if lower >= cutoff { return 0 }
        if lower == 0 { return .infinity }
        let top = Swift.min(upper, cutoff)
        var cuts = [lower]
        for u in KelloggGauntFactor.breakpoints {
            let e = u * kT
            if e > lower && e < top { cuts.append(e) }
        }
        cuts.append(top)
        let rule = GaussLegendre.order8
        var total = 0.0
        for piece in 0..<(cuts.count - 1) {
            let p = cuts[piece], q = cuts[piece + 1]
            let logP = Foundation.log(p), logWidth = Foundation.log1p((q - p) / p)
            let parts = Int(Swift.max(1, (logWidth / 0.1).rounded(.up), ((q - p) / (0.5 * kT)).rounded(.up)))
            let step = logWidth / Double(parts)
            for part in 0..<parts {
                total += rule.integrate(from: logP + Double(part) * step, width: step) { x in
                    energyWeighted(energy: Foundation.exp(x), kT: kT)
                }
            }
        }
        return total
    }

    struct Prepared: PreparedComponent {
        let edges: BinEdges

        func evaluate(parameters: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
            let kT = parameters[0], norm = parameters[1]
            for i in 0..<edges.count {
                output[i] = norm * Bremsstrahlung.integral(from: edges.lower(i), to: edges.upper(i), kT: kT)
            }
        }
    }
}
