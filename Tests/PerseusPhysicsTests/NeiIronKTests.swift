import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// An under-ionised plasma has its Fe K emission at lower energy than equilibrium: less
/// He-like (6.70 keV) and H-like (6.97 keV) iron, more Li- and Be-like iron (6.6–6.65 keV).
@Suite("nei: Fe K centroid")
struct NeiIronKTests {
    /// The counts-weighted mean energy in 6.3–7.1 keV at kT = 5 keV: below apec's at τ = 1e10 and
    /// 1e11 s cm⁻³, and rising towards apec's as τ grows.
    ///
    /// At τ = 1e10 iron is in Fe XVI–XX: the band holds continuum and weak Fe K lines near
    /// 6.5–6.6 keV (tabulated Fe XXIII–XXIV lines and the extrapolated dielectronic satellites of
    /// Fe XX–XXII, driven by Fe XXI–XXIII; Fe XVII–XIX have no Fe K lines in AtomDB — see `Nei`);
    /// at 1e11 it comes from Fe XXIII/XXIV lines near 6.6 keV.
    @Test func centroidShiftsToLowerEnergyAtLowTau() throws {
        let apec = NeiFixtures.ironKCentroid(try Support.evaluate(NeiFixtures.apec, on: NeiFixtures.sxs, [5, 1, 0, 1]))
        var centroids: [Double] = []
        for tau in [1e10, 1e11, 1e12, 1e13] {
            centroids.append(NeiFixtures.ironKCentroid(try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, [5, 1, tau, 0, 1])))
        }
        #expect(centroids[0] < apec - 0.01, "tau 1e10: \(centroids[0]) vs apec \(apec)")
        #expect(centroids[1] < apec - 0.03, "tau 1e11: \(centroids[1]) vs apec \(apec)")
        #expect(centroids[1] < centroids[2] && centroids[2] < centroids[3] && centroids[3] <= apec + 1e-6)
        #expect(abs(centroids[3] - apec) < 1e-3)
    }

    /// At τ = 1e11 the Fe K band holds Li-like Fe XXIV emission well above equilibrium: the
    /// ratio of Fe XXIV to Fe XXV line flux in 6.3–7.1 keV exceeds apec's by the population
    /// ratio (checked through the line factors the spectrum used).
    @Test func lithiumLikeIronIsEnhancedAtLowTau() throws {
        let state = try NeiFixtures.nei.ionState(kT: 5, tau: 1e11)
        let lithiumLike = state.lineFactor(element: .iron, charge: 23)   // Fe XXIV
        let heliumLike = state.lineFactor(element: .iron, charge: 24)    // Fe XXV
        #expect(lithiumLike > 3 && heliumLike < 0.5, "Fe XXIV ×\(lithiumLike), Fe XXV ×\(heliumLike)")
    }
}
