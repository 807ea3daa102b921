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

extension NeiFixtures {
    /// The line emission of `nei` (solar abundances, angr, z = 0, norm 1 ⇒ per-record weights
    /// only) at (kT, τ) between `low` and `high` keV, computed directly from the table and the
    /// extrapolated lines: (energy [keV], flux [photons cm³ s⁻¹ per n_e n_H], element, ion,
    /// extrapolated?) for every line with non-zero flux.
    static func lines(_ nei: Nei, kT: Double, tau: Double, from low: Double, to high: Double) throws
        -> [(energy: Double, flux: Double, element: Int, ion: Int, extrapolated: Bool)] {
        let state = try nei.ionState(kT: kT, tau: tau)
        let bracket = nei.table.bracket(kT: kT)
        var out: [(energy: Double, flux: Double, element: Int, ion: Int, extrapolated: Bool)] = []
        for (record, weight) in [(bracket.lower, bracket.lowerWeight), (bracket.upper, bracket.upperWeight)] where weight > 0 {
            let tabulated = nei.table.records[record].lines
            for j in 0..<tabulated.count where tabulated.energies[j] > low && tabulated.energies[j] <= high {
                let index = (Int(tabulated.elements[j]) - 1) * PreparedEmission.ionStride + Int(tabulated.ions[j]) - 1
                let flux = weight * tabulated.emissivities[j] * state.lineFactors[index]
                if flux > 0 { out.append((tabulated.energies[j], flux, Int(tabulated.elements[j]), Int(tabulated.ions[j]), false)) }
            }
            guard let extra = nei.supplement?.records[record] else { continue }
            for j in 0..<extra.count where extra.energies[j] > low && extra.energies[j] <= high {
                let index = (Int(extra.elements[j]) - 1) * PreparedEmission.ionStride + Int(extra.ions[j]) - 1
                let flux = weight * extra.emissivities[j] * state.supplementFactors[index]
                if flux > 0 { out.append((extra.energies[j], flux, Int(extra.elements[j]), Int(extra.ions[j]), true)) }
            }
        }
        return out
    }

    /// Flux-weighted mean energy [keV] of the lines in the Fe K band (6.3–7.1 keV), continuum excluded.
    static func ironKLineCentroid(_ nei: Nei, kT: Double, tau: Double) throws -> Double {
        let band = try lines(nei, kT: kT, tau: tau, from: 6.3, to: 7.1)
        let total = band.reduce(0) { $0 + $1.flux }
        return band.reduce(0) { $0 + $1.flux * $1.energy } / total
    }

    /// `nei` without the extrapolated lines (the equilibrium table's lines scaled by f_NEI/f_eq only).
    static let neiWithoutExtrapolation = try! Nei(.nei, options: NeiOptions(lineExtrapolation: nil))
}
