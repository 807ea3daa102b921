import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// What the extrapolated lines change in `nei` spectra: iron line emission at low τ, where the
/// populated ions are ones AtomDB's equilibrium table hardly lists at kT, and nothing at
/// equilibrium.
@Suite("nei: extrapolated lines in spectra")
struct NeiExtrapolatedLinesTests {
    /// At kT = 5 keV and τ = 1e10 s cm⁻³ the Fe K band holds little line emission (Fe XVII–XIX
    /// have no Fe K line in AtomDB; 0.16% of apec's Fe K line flux is left): the tabulated lines
    /// of Fe XXIII–XXIV and the dielectronic satellites of Fe XX–XXII that the rule extrapolates,
    /// driven by the (still rare) recombining Fe XXI–XXIII. The line centroid (measured
    /// 6.554 keV) lies well below apec's (6.717 keV: Fe XXV, its satellites and Fe XXVI); the
    /// extrapolated satellites multiply the Fe K line flux by 3.6 (measured).
    @Test func lowTauIronKCentroidIsBelowApec() throws {
        let apec = try NeiFixtures.ironKLineCentroid(NeiFixtures.nei, kT: 5, tau: 1e14)
        let low = try NeiFixtures.ironKLineCentroid(NeiFixtures.nei, kT: 5, tau: 1e10)
        #expect(abs(apec - 6.717) < 0.005, "apec's Fe K line centroid \(apec)")
        #expect(low < apec - 0.1 && low > 6.45, "tau 1e10: \(low) keV vs apec \(apec)")
        // The band centroid (continuum included) of the full spectrum moves the same way.
        let grid = NeiFixtures.sxs
        let apecBand = NeiFixtures.ironKCentroid(try Support.evaluate(NeiFixtures.apec, on: grid, [5, 1, 0, 1]))
        let lowBand = NeiFixtures.ironKCentroid(try Support.evaluate(NeiFixtures.nei, on: grid, [5, 1, 1e10, 0, 1]))
        #expect(lowBand < apecBand - 0.02, "band centroid \(lowBand) vs apec \(apecBand)")

        let with = try NeiFixtures.lines(NeiFixtures.nei, kT: 5, tau: 1e10, from: 6.3, to: 7.1).filter { $0.element == 26 }
        let without = try NeiFixtures.lines(NeiFixtures.neiWithoutExtrapolation, kT: 5, tau: 1e10, from: 6.3, to: 7.1)
            .filter { $0.element == 26 }
        let fluxWith = with.reduce(0) { $0 + $1.flux }, fluxWithout = without.reduce(0) { $0 + $1.flux }
        #expect(fluxWith > 2 * fluxWithout, "Fe K line flux \(fluxWith) with, \(fluxWithout) without extrapolation")
        // Extrapolated lines carry their driving ion: Fe XXI–XXII recombining onto Fe XX–XXI.
        #expect(Set(with.filter(\.extrapolated).map(\.ion)).isSuperset(of: [21, 22]))
    }

    /// The line centroid rises with τ towards apec's: monotonically from τ = 1e10 (when the
    /// extrapolated satellites first carry Fe K line flux) to 1e13, and within 1 eV of apec at
    /// 1e13 (measured 6.554, 6.589, 6.650, 6.689, 6.711, 6.7169 keV). (At 3e9 the band holds
    /// ~2e-9 of apec's Fe K line flux, all tabulated; its centroid means nothing.)
    @Test func ironKCentroidApproachesApecAsTauGrows() throws {
        let apec = try NeiFixtures.ironKLineCentroid(NeiFixtures.nei, kT: 5, tau: 1e14)
        let taus = [1e10, 3e10, 1e11, 3e11, 1e12, 1e13]
        let centroids = try taus.map { try NeiFixtures.ironKLineCentroid(NeiFixtures.nei, kT: 5, tau: $0) }
        for k in 1..<centroids.count { #expect(centroids[k] > centroids[k - 1], "\(taus[k]): \(centroids[k]) after \(centroids[k - 1])") }
        #expect(abs(centroids.last! - apec) < 1e-3)
    }

    /// At τ = 1e10 (kT 3–8 keV) iron is mostly Fe XVII–XIX, whose lines AtomDB hardly lists at
    /// kT; their extrapolated L-shell lines (0.7–1.3 keV) now carry ≥ 90% of the iron line flux in
    /// 0.5–10 keV (measured 93%), which exceeds apec's iron line flux at the same kT (×50–150).
    @Test(arguments: [3.0, 5.0, 8.0])
    func ironLLinesAppearAtLowTau(kT: Double) throws {
        let low = try NeiFixtures.lines(NeiFixtures.nei, kT: kT, tau: 1e10, from: 0.5, to: 10).filter { $0.element == 26 }
        let equilibrium = try NeiFixtures.lines(NeiFixtures.nei, kT: kT, tau: 1e14, from: 0.5, to: 10).filter { $0.element == 26 }
        let extrapolated = low.filter(\.extrapolated).reduce(0) { $0 + $1.flux }
        let total = low.reduce(0) { $0 + $1.flux }
        #expect(extrapolated > 0.9 * total, "kT \(kT): extrapolated share \(extrapolated / total)")
        #expect(total > 10 * equilibrium.reduce(0) { $0 + $1.flux })
        let fromL = low.filter { (17...19).contains($0.ion) && $0.energy < 1.3 }.reduce(0) { $0 + $1.flux }
        #expect(fromL > 0.9 * total, "kT \(kT): Fe XVII-XIX below 1.3 keV carry \(fromL / total)")
    }

    /// As τ → ∞ every population excess vanishes: with or without the extrapolated lines the
    /// spectrum is the same (and apec's, `NeiConvergenceTests`).
    @Test(arguments: [1.0, 5.0, 20.0])
    func extrapolatedLinesVanishAtEquilibrium(kT: Double) throws {
        let with = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [kT, 1, 1e14, 0.01, 1])
        let without = try Support.evaluate(NeiFixtures.neiWithoutExtrapolation, on: NeiFixtures.sxs, [kT, 1, 1e14, 0.01, 1])
        #expect(NeiFixtures.worstDeviation(with, from: without) <= 1e-12)
        let state = try NeiFixtures.nei.ionState(kT: kT, tau: 1e14)
        #expect(state.supplementFactors.allSatisfy { $0 <= 1e-12 })
    }

    /// The extrapolated lines only ever add emission, and only for ions above their equilibrium
    /// population: the spectrum with them is never below the spectrum without, bin by bin.
    @Test func extrapolatedLinesOnlyAdd() throws {
        for (kT, tau) in [(1.5, 3e9), (5.0, 1e10), (8.0, 1e11)] {
            let with = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [kT, 1, tau, 0, 1])
            let without = try Support.evaluate(NeiFixtures.neiWithoutExtrapolation, on: NeiFixtures.sxs, [kT, 1, tau, 0, 1])
            #expect(zip(with, without).allSatisfy { $0 >= $1 })
            let state = try NeiFixtures.nei.ionState(kT: kT, tau: tau)
            for (j, element) in state.nonEquilibrium.elements.enumerated() {
                let offset = state.nonEquilibrium.offsets[j], z = element.atomicNumber
                for q in 0...z {
                    let excess = state.supplementFactors[(z - 1) * PreparedEmission.ionStride + q]
                    #expect(excess == max(0, state.nonEquilibrium.values[offset + q] - state.equilibrium.values[offset + q]))
                }
            }
        }
    }
}
