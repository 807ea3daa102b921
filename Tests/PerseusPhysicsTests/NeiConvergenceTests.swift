import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// nei must become apec as τ → ∞: the ion populations reach equilibrium and every line factor
/// f_NEI/f_eq becomes 1.
@Suite("nei: convergence to apec")
struct NeiConvergenceTests {
    /// τ = 1e14 s cm⁻³ (past XSPEC's 5e13 hard limit, so evaluated on the component directly)
    /// reproduces apec to 1% in every bin holding ≥ 1e-4 of the peak, on the SXS grid, for
    /// cluster temperatures, with and without redshift.
    @Test(arguments: [(1.0, 0.0), (3.0, 0.05), (5.0, 0.0), (8.0, 0.1), (20.0, 0.02)])
    func largeTauReproducesApec(kT: Double, redshift: Double) throws {
        let nei = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [kT, 1, 1e14, redshift, 0.4])
        let apec = try Support.evaluate(NeiFixtures.apec, on: NeiFixtures.sxs, [kT, 1, redshift, 0.4])
        let worst = NeiFixtures.worstDeviation(nei, from: apec)
        #expect(worst <= 0.01, "kT = \(kT): worst deviation \(worst)")
        // In fact the line factors are 1 to rounding: the spectra agree far better than 1%.
        #expect(worst <= 1e-9, "kT = \(kT): worst deviation \(worst)")
    }

    /// With Abundanc ≠ 1 nei differs from apec only by Al (XSPEC's nei keeps Al at solar), so it
    /// must equal vapec with the metals at the abundance and Al at 1.
    @Test func abundanceScalesNeiMetalsButNotAluminium() throws {
        let nei = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [4, 0.3, 1e14, 0.03, 1])
        let vapec = try Support.evaluate(NeiFixtures.vapec, on: NeiFixtures.sxs,
                                         NeiFixtures.vapecParameters(kT: 4, abundance: 0.3, redshift: 0.03, norm: 1))
        #expect(NeiFixtures.worstDeviation(nei, from: vapec) <= 1e-9)
        let apec = try Support.evaluate(NeiFixtures.apec, on: NeiFixtures.sxs, [4, 0.3, 0.03, 1])
        // Al XIII Lyα (2.048 keV, at z = 0.03 near 1.988 keV) is where apec (Al scaled) differs.
        #expect(NeiFixtures.worstDeviation(nei, from: apec) > 0.01)
    }

    /// The spectrum approaches apec monotonically once the slowest modes dominate: the worst
    /// deviation falls with τ from 1e11 on (kT = 5 keV), and the total-variation distance of
    /// every element's populations from equilibrium never grows (a Markov semigroup contracts).
    @Test func approachIsMonotonic() throws {
        let apec = try Support.evaluate(NeiFixtures.apec, on: NeiFixtures.sxs, [5, 1, 0, 1])
        var previous = Double.infinity
        for tau in [1e11, 3e11, 1e12, 3e12, 1e13, 1e14] {
            let nei = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [5, 1, tau, 0, 1])
            let deviation = NeiFixtures.worstDeviation(nei, from: apec)
            #expect(deviation < previous, "tau = \(tau): \(deviation) after \(previous)")
            previous = deviation
        }
    }
}
