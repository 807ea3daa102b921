import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// One bin's line flux computed directly from the table in the test: Σ over the lines in the bin
/// of (temperature weight × emissivity × f_NEI/f_eq × abundance × norm × 1e14/(1+z)), plus Σ over
/// the extrapolated lines in the bin of (weight × emissivity per ion × max(0, f_NEI − f_eq) × …).
@Suite("nei: line flux of one bin")
struct NeiLineFluxTests {
    @Test func strongestLineBinMatchesDirectComputation() throws {
        let kT = 5.3, tau = 1e11, z = 0.02, norm = 0.7, abundance = 0.6
        let grid = NeiFixtures.sxs
        let nei = try Support.evaluate(NeiFixtures.nei, on: grid, [kT, abundance, tau, z, norm])
        // The continua of nei and vapec (metals at 0.6, Al at 1) are the same; the difference is
        // the lines' (factor − 1) share.
        let vapec = try Support.evaluate(NeiFixtures.vapec, on: grid,
                                         NeiFixtures.vapecParameters(kT: kT, abundance: abundance, redshift: z, norm: norm))
        let bin = (0..<grid.count).max { abs(nei[$0] - vapec[$0]) < abs(nei[$1] - vapec[$1]) }!

        // Direct computation, independent of nei's code paths: bracketing temperatures and
        // weights from the table's kT list, populations from the solver element by element.
        let table = NeiFixtures.nei.table
        let t = table.temperatures
        let upper = t.firstIndex { $0 > kT }!, lower = upper - 1
        let w = (kT - t[lower]) / (t[upper] - t[lower])
        let solver = try IonizationSolver()
        let metals: Set<Int> = [6, 7, 8, 10, 12, 14, 16, 18, 20, 26, 28]
        let lo = grid.lo[bin] * (1 + z), hi = grid.hi[bin] * (1 + z)
        var expected = 0.0, lines = 0
        for (record, weight) in [(lower, 1 - w), (upper, w)] {
            let list = table.records[record].lines
            for j in 0..<list.count where list.energies[j] > lo && list.energies[j] <= hi {
                let element = try ChemicalElement(atomicNumber: Int(list.elements[j]))
                let q = Int(list.ions[j]) - 1
                var ratio = 1.0
                if element.atomicNumber >= 3 {
                    let f = try solver.fractions(element: element, kT: kT, tau: tau)[q]
                    let e = try solver.equilibrium(element: element, kT: kT)[q]
                    ratio = min(f / e, NeiIonScaling.default.maximumRatio)
                }
                let a = metals.contains(element.atomicNumber) ? abundance : 1
                expected += weight * list.emissivities[j] * a * (ratio - 1) * norm * 1e14 / (1 + z)
                lines += 1
            }
            // The extrapolated lines (per unit ion population) times the population excess.
            let extra = try #require(NeiFixtures.nei.supplement).records[record]
            for j in 0..<extra.count where extra.energies[j] > lo && extra.energies[j] <= hi {
                let element = try ChemicalElement(atomicNumber: Int(extra.elements[j]))
                let q = Int(extra.ions[j]) - 1
                let f = try solver.fractions(element: element, kT: kT, tau: tau)[q]
                let e = try solver.equilibrium(element: element, kT: kT)[q]
                let a = metals.contains(element.atomicNumber) ? abundance : 1
                expected += weight * extra.emissivities[j] * a * max(0, f - e) * norm * 1e14 / (1 + z)
                lines += 1
            }
        }
        #expect(lines >= 1)
        let measured = nei[bin] - vapec[bin]
        #expect(abs(measured - expected) <= 1e-9 * abs(expected), "bin \(bin) (\(grid.lo[bin]) keV): \(measured) vs \(expected) from \(lines) lines")
        #expect(abs(expected) > 0.1 * vapec[bin], "the chosen bin is dominated by a line whose population changed")
    }
}
