import Foundation
import PerseusCore
@testable import PerseusPhysics

/// Shared fixtures of the nei tests: one component per variant (building one decodes the
/// embedded tables and sums the continua, so it is done once) and the Hitomi SXS grid.
enum NeiFixtures {
    /// Hitomi SXS band of Ichinohe & Yamada (2019): 1.8–9 keV at 1 eV, 7200 bins.
    static let sxs = try! EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)
    static let nei = try! Nei(.nei)
    static let vnei = try! Nei(.vnei)
    static let apec = try! Apec(.apec)
    static let vapec = try! Apec(.vapec)

    /// Counts-weighted mean energy [keV] of `spectrum` over the bins inside 6.3–7.1 keV (the Fe K
    /// complex), the bin centre standing for each bin.
    static func ironKCentroid(_ spectrum: [Double], grid: EnergyGrid = sxs) -> Double {
        var weight = 0.0, moment = 0.0
        for i in 0..<grid.count where grid.lo[i] >= 6.3 && grid.hi[i] <= 7.1 {
            weight += spectrum[i]
            moment += spectrum[i] * 0.5 * (grid.lo[i] + grid.hi[i])
        }
        return moment / weight
    }

    /// Largest |a/b − 1| over the bins where b holds at least `floor` of b's peak.
    static func worstDeviation(_ a: [Double], from b: [Double], floor: Double = 1e-4) -> Double {
        let peak = b.max() ?? 0
        var worst = 0.0
        for i in b.indices where b[i] >= floor * peak { worst = max(worst, abs(a[i] / b[i] - 1)) }
        return worst
    }

    /// vapec parameters equivalent to nei's abundance: every vapec metal at `abundance` except
    /// Al, which nei keeps at solar (it is not among XSPEC nei's metals), He at 1.
    static func vapecParameters(kT: Double, abundance: Double, redshift: Double, norm: Double) -> [Double] {
        // vapec: kT, He, C, N, O, Ne, Mg, Al, Si, S, Ar, Ca, Fe, Ni, Redshift, norm
        [kT, 1, abundance, abundance, abundance, abundance, abundance, 1, abundance, abundance, abundance, abundance,
         abundance, abundance, redshift, norm]
    }
}
