import Foundation
import PerseusCore
import PerseusIO
import PerseusPhysics
import PerseusTestSupport
import Testing
@testable import PerseusInstruments

/// The built-in compact responses reproduce the real CALDB responses they were derived from: for a
/// power law and for tbabs*apec at kT = 1, 4 and 8 keV, folded counts agree with the real RMF/ARF
/// within 1% in every group of adjacent channels holding ≥ 1000 counts over the instrument's
/// default band (channels grouped from the band's low end until a group reaches 1000 counts).
@Suite(.serialized) struct BuiltInResponseAccuracyTests {
    struct Case: Sendable, CustomStringConvertible {
        let instrument: String
        let rmf: String
        let arf: String
        let nH: Double
        /// apec norm for each temperature, chosen for ~1e5–1e7 counts at the default exposure.
        let apecNorm: Double
        let powerLawNorm: Double
        var description: String { instrument }
    }

    static let cases = [
        Case(instrument: "hitomi-sxs", rmf: "responses/hitomi/ah100040030_sxs_cl2_HP_small.rmf",
             arf: "responses/hitomi/hitomi_sxs.arf", nH: 0.138, apecNorm: 0.5, powerLawNorm: 0.1),
        Case(instrument: "nustar-fpma", rmf: "responses/nustar/nustar_fpma.rmf", arf: "responses/nustar/nustar_fpma.arf",
             nH: 0.00858, apecNorm: 0.1, powerLawNorm: 1e-2),
        Case(instrument: "chandra-acis-i", rmf: "responses/chandra/acisi_aimpt_cy19.rmf", arf: "responses/chandra/acisi_aimpt_cy19.arf",
             nH: 0.03, apecNorm: 0.01, powerLawNorm: 1e-2),
    ]

    /// Largest relative deviation of the group sums, and the number of groups.
    static func worstDeviation(instrument: Instrument, real: ResponseFolder, expression: String, assignments: [String]) throws
        -> (deviation: Double, groups: Int, counts: Double) {
        let builtIn = instrument.defaultFolder
        #expect(builtIn.channels.firstChannel == real.channels.firstChannel && builtIn.channels.count == real.channels.count)
        #expect(builtIn.channels.energies.matches(real.channels.energies, relativeTolerance: 1e-7))
        let exposure = instrument.defaultExposure
        let a = try real.expectedCounts(photonFlux: try Fixtures.flux(expression, assignments, on: real.modelGrid), exposure: exposure)
        let b = try builtIn.expectedCounts(photonFlux: try Fixtures.flux(expression, assignments, on: builtIn.modelGrid), exposure: exposure)
        let edges = Fixtures.groups(a)
        let sa = Fixtures.groupSums(a, edges), sb = Fixtures.groupSums(b, edges)
        let worst = zip(sa, sb).map { abs($1 / $0 - 1) }.max() ?? 0
        return (worst, sa.count, a.reduce(0, +))
    }

    static func realFolder(_ c: Case, _ instrument: Instrument) throws -> ResponseFolder {
        let pair = try ResponsePair.read(matrix: ReferenceData.path(c.rmf), ancillary: ReferenceData.path(c.arf))
        return try ResponseFolder(response: pair, band: instrument.defaultBand, binning: instrument.binning, instrument: "real \(c.instrument)")
    }

    @Test(.enabled(if: ReferenceData.isAvailable, ReferenceData.skipReason), arguments: cases)
    func powerLawAgreesWithinOnePercent(_ c: Case) throws {
        let instrument = Fixtures.instrument(c.instrument)
        let real = try Self.realFolder(c, instrument)
        let result = try Self.worstDeviation(instrument: instrument, real: real, expression: "tbabs*powerlaw",
                                             assignments: ["tbabs.nH=\(c.nH)", "PhoIndex=1.8", "powerlaw.norm=\(c.powerLawNorm)"])
        print("\(c.instrument) powerlaw: worst group deviation \(String(format: "%.4f", 100 * result.deviation))% over \(result.groups) groups, \(Int(result.counts)) counts")
        #expect(result.groups >= 10)
        #expect(result.deviation < 0.01)
    }

    @Test(.enabled(if: ReferenceData.isAvailable, ReferenceData.skipReason), arguments: cases)
    func absorbedApecAgreesWithinOnePercent(_ c: Case) throws {
        let instrument = Fixtures.instrument(c.instrument)
        let real = try Self.realFolder(c, instrument)
        for kT in [1.0, 4.0, 8.0] {
            let result = try Self.worstDeviation(instrument: instrument, real: real, expression: "tbabs*apec",
                                                 assignments: ["tbabs.nH=\(c.nH)", "apec.kT=\(kT)", "apec.Abundanc=0.4",
                                                               "apec.Redshift=0.02", "apec.norm=\(c.apecNorm)"])
            print("\(c.instrument) tbabs*apec kT=\(kT): worst group deviation \(String(format: "%.4f", 100 * result.deviation))% over \(result.groups) groups, \(Int(result.counts)) counts")
            #expect(result.groups >= 10)
            #expect(result.deviation < 0.01, "kT = \(kT) keV")
        }
    }

    /// XRISM has no real RMF: its built-in ARF must equal the real one (float32, bin by bin).
    @Test(.enabled(if: ReferenceData.isAvailable, ReferenceData.skipReason))
    func xrismAreaIsTheRealArf() throws {
        let real = try AncillaryResponse.read(ReferenceData.path("responses/xrism/resolve_pnt_heasim_noGV_20190701.arf"))
        let builtIn = try #require(Fixtures.xrism.response.ancillary)
        guard let first = real.energies.lo.firstIndex(where: { abs($0 - builtIn.energies.lo[0]) < 1e-7 }) else {
            Issue.record("built-in XRISM grid does not start on a real bin edge"); return
        }
        for i in 0..<builtIn.energies.count {
            #expect(builtIn.effectiveArea[i] == real.effectiveArea[first + i])
            #expect(builtIn.energies.hi[i] == real.energies.hi[first + i])
        }
    }
}
