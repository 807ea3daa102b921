import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// The rule turning populations into line factors, and the measured effect of its cap.
@Suite("nei: ion scaling rule")
struct NeiIonScalingTests {
    @Test func ruleAndItsGuards() throws {
        let rule = try NeiIonScaling(maximumRatio: 100)
        #expect(rule.factor(nonEquilibrium: 0.3, equilibrium: 0.1) == 0.3 / 0.1)
        #expect(rule.factor(nonEquilibrium: 0.3, equilibrium: 1e-6) == 100)
        #expect(rule.factor(nonEquilibrium: 0.3, equilibrium: 0) == 100)
        #expect(rule.factor(nonEquilibrium: 0, equilibrium: 0) == 1)
        #expect(rule.factor(nonEquilibrium: 0, equilibrium: 0.2) == 0)
        #expect(rule.factor(nonEquilibrium: 0.25, equilibrium: 0.25) == 1)
        for bad in [0.5, -1, .infinity, .nan] {
            #expect(throws: InvalidArgument.self) { try NeiIonScaling(maximumRatio: bad) }
        }
        #expect(NeiIonScaling.default.maximumRatio == 1e8)
    }

    /// The default cap (1e8) changes nothing in Ichinohe & Yamada's range (kT 1–10 keV,
    /// τ 1e9–1e11): the spectra equal those with a cap of 1e300 bit for bit. A tight cap would
    /// remove legitimate emission: 1e3 changes the 1.8–9 keV flux by several per cent somewhere
    /// in the same draws.
    @Test func defaultCapOnlyGuardsUnderflow() throws {
        let loose = try Nei(.nei, options: NeiOptions(ionScaling: NeiIonScaling(maximumRatio: 1e300)))
        let tight = try Nei(.nei, options: NeiOptions(ionScaling: NeiIonScaling(maximumRatio: 1e3)))
        var stream = RandomStream(seed: 3, purpose: .testing, index: 0)
        var largestTightChange = 0.0
        for _ in 0..<6 {
            let p = [1 + 9 * stream.uniform(), 1, pow(10, 9 + 2 * stream.uniform()), 0, 1]
            let reference = try Support.evaluate(loose, on: NeiFixtures.sxs, p)
            let capped = try Support.evaluate(NeiFixtures.nei, on: NeiFixtures.sxs, p)
            #expect(capped.map(\.bitPattern) == reference.map(\.bitPattern), "kT \(p[0]), tau \(p[2])")
            let flux = try Support.evaluate(tight, on: NeiFixtures.sxs, p).reduce(0, +)
            largestTightChange = max(largestTightChange, abs(flux / reference.reduce(0, +) - 1))
        }
        #expect(largestTightChange > 0.02, "cap 1e3 changed the band flux by at most \(largestTightChange)")
    }
}
