import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// nei and vnei through the model expression language and the standard registry.
@Suite("nei: registry and parameters")
struct NeiRegistryTests {
    static let grid = try! EnergyGrid.linear(from: 1, to: 8, step: 0.01)

    @Test func registeredWithXSPECParameters() throws {
        #expect(ComponentRegistry.standard.entry(named: "nei")?.kind == .additive)
        #expect(ComponentRegistry.standard.entry(named: "vnei")?.kind == .additive)
        let nei = NeiFixtures.nei.parameters
        #expect(nei.map(\.name) == ["kT", "Abundanc", "Tau", "Redshift", "norm"])
        #expect(nei[0].defaultValue == 1 && nei[0].hardMin == 0.0808 && nei[0].hardMax == 79.9)
        #expect(nei[1].hardMax == 10000 && nei[1].softMax == 1000 && nei[1].frozenByDefault)
        #expect(nei[2].unit == "s/cm^3" && nei[2].defaultValue == 1e11 && nei[2].hardMin == 1e8 && nei[2].hardMax == 5e13)
        #expect(!nei[2].frozenByDefault && nei[3].frozenByDefault)
        let vnei = NeiFixtures.vnei.parameters.map(\.name)
        #expect(vnei == ["kT", "H", "He", "C", "N", "O", "Ne", "Mg", "Si", "S", "Ar", "Ca", "Fe", "Ni", "Tau", "Redshift", "norm"])
        #expect(NeiFixtures.vnei.parameters[1].hardMax == 1)
    }

    @Test func modelEvaluationEqualsComponentTimesAbsorption() throws {
        var model = try Model("tbabs*nei")
        try model.set("tbabs.nH", to: 0.138)
        try model.set("nei.kT", to: 3.1)
        try model.set("nei.Tau", to: 4e10)
        try model.set("nei.Abundanc", to: 0.5)
        try model.set("nei.Redshift", to: 0.03)
        let value = try model.compiled(for: Self.grid).evaluate(model.values)
        let nei = try Support.evaluate(NeiFixtures.nei, on: Self.grid, [3.1, 0.5, 4e10, 0.03, 1])
        let tbabs = try Support.evaluate(TBabs(abundanceTable: "angr"), on: Self.grid, [0.138])
        for i in value.indices { #expect(abs(value[i] - nei[i] * tbabs[i]) <= 1e-12 * nei[i]) }
    }

    @Test func tauOutsideXSPECLimitsIsRejectedByTheModel() throws {
        var model = try Model("nei")
        #expect(throws: ModelParameterError.self) { try model.set("nei.Tau", to: 1e14) }
        #expect(throws: ModelParameterError.self) { try model.set("nei.Tau", to: 1e7) }
    }

    @Test func vneiWithEqualAbundancesIsNei() throws {
        let nei = try Support.evaluate(NeiFixtures.nei, on: Self.grid, [2.5, 0.4, 2e11, 0, 1])
        // vnei: kT, H, He, C, N, O, Ne, Mg, Si, S, Ar, Ca, Fe, Ni, Tau, Redshift, norm
        let vnei = try Support.evaluate(NeiFixtures.vnei, on: Self.grid,
                                        [2.5, 1, 1] + [Double](repeating: 0.4, count: 11) + [2e11, 0, 1])
        #expect(NeiFixtures.worstDeviation(vnei, from: nei, floor: 0) <= 1e-12)
        // H = 0 removes hydrogen's emission (its free-free and recombination continuum).
        let noHydrogen = try Support.evaluate(NeiFixtures.vnei, on: Self.grid,
                                              [2.5, 0, 1] + [Double](repeating: 0.4, count: 11) + [2e11, 0, 1])
        for i in nei.indices { #expect(noHydrogen[i] < nei[i]) }
    }

    @Test func contextSettingsReachNei() throws {
        let broadened = try Support.evaluate("nei", on: Self.grid, ["kT=4", "Tau=1e11"], context: ModelContext(thermalBroadening: true))
        let direct = try Support.evaluate(Nei(.nei, options: NeiOptions(broadening: LineBroadening(thermal: true))), on: Self.grid,
                                          [4, 1, 1e11, 0, 1])
        #expect(broadened == direct)
        let narrow = try Support.evaluate("nei", on: Self.grid, ["kT=4", "Tau=1e11"])
        #expect(narrow != broadened)
        let wilm = try Support.evaluate("nei", on: Self.grid, ["kT=4", "Tau=1e11"], context: ModelContext(abundanceTable: "wilm"))
        #expect(wilm == (try Support.evaluate(Nei(.nei, abundanceTable: AbundanceTable.named("wilm")), on: Self.grid, [4, 1, 1e11, 0, 1])))
    }
}
