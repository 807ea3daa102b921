import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport

/// apec and vapec through the model expression language and the standard registry.
@Suite struct ApecRegistryTests {
    static let grid = try! EnergyGrid.linear(from: 0.5, to: 10, step: 0.01)

    @Test func registeredInStandardRegistry() {
        for name in ["apec", "vapec", "bapec", "bvapec"] {
            #expect(ComponentRegistry.standard.entry(named: name)?.kind == .additive, "\(name)")
        }
    }

    @Test func modelEvaluationEqualsComponent() throws {
        var model = try Model("tbabs*apec")
        #expect(model.parameterNames.contains("apec.Abundanc"))
        try model.set("tbabs.nH", to: 0.05)
        try model.set("apec.kT", to: 3.4)
        try model.set("apec.Abundanc", to: 0.3)
        try model.set("apec.Redshift", to: 0.02)
        let value = try model.compiled(for: Self.grid).evaluate(model.values)
        let apec = try evaluate(Apec(.apec), on: Self.grid, [3.4, 0.3, 0.02, 1])
        let tbabs = try evaluate(TBabs(abundanceTable: "angr"), on: Self.grid, [0.05])
        for i in value.indices { #expect(abs(value[i] - apec[i] * tbabs[i]) <= 1e-12 * apec[i]) }
    }

    @Test func contextAbundanceTableReachesApec() throws {
        let context = ModelContext(abundanceTable: "wilm")
        let model = try Model("apec", context: context)
        let value = try model.compiled(for: Self.grid).evaluate([2, 1, 0, 1])
        let direct = try evaluate(Apec(.apec, abundanceTable: AbundanceTable.named("wilm")), on: Self.grid, [2, 1, 0, 1])
        #expect(value == direct)
        let angr = try evaluate(Apec(.apec), on: Self.grid, [2, 1, 0, 1])
        #expect(value != angr)
    }

    @Test func unknownAbundanceTableIsReported() {
        do {
            _ = try Model("apec", context: ModelContext(abundanceTable: "solar"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("solar") && error.description.contains("angr"))
        }
    }

    @Test func missingAtomDBDirectoryIsReported() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-no-atomdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        do {
            _ = try Model("apec", context: ModelContext(atomDBDirectory: empty.path))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("no AtomDB APEC tables") && error.description.contains(empty.path))
        }
    }

    @Test(.enabled(if: ApecReference.isAvailable, "needs ../shared/data/atomdb and astropy"))
    func atomDBDirectoryFromContextUsesFullTables() throws {
        let context = ModelContext(atomDBDirectory: ReferenceData.path("atomdb"))
        let model = try Model("apec", context: context)
        let value = try model.compiled(for: Self.grid).evaluate([3, 1, 0, 1])
        let compact = try evaluate(Apec(.apec), on: Self.grid, [3, 1, 0, 1])
        let c = SpectrumComparison(compact, reference: value)
        #expect(c.worst > 0 && c.worst < 1e-3)   // the full tables, not the compact one
    }

    @Test func vapecParametersInModel() throws {
        let model = try Model("vapec")
        #expect(model.parameterNames == ["vapec.kT", "vapec.He", "vapec.C", "vapec.N", "vapec.O", "vapec.Ne", "vapec.Mg",
                                         "vapec.Al", "vapec.Si", "vapec.S", "vapec.Ar", "vapec.Ca", "vapec.Fe", "vapec.Ni",
                                         "vapec.Redshift", "vapec.norm"])
        // vapec with every abundance 1 equals apec with Abundanc 1.
        let v = try model.compiled(for: Self.grid).evaluate([4] + [Double](repeating: 1, count: 13) + [0, 1])
        let a = try evaluate(Apec(.apec), on: Self.grid, [4, 1, 0, 1])
        for i in v.indices { #expect(abs(v[i] - a[i]) <= 1e-12 * a[i]) }
    }
}
