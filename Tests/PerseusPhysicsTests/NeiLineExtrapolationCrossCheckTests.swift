import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport

/// The extrapolated lines against an independent statement of the rule
/// (`scripts/nei_line_extrapolation.py`, numpy, which `scripts/nei_limits.py` uses for the
/// published measurements) and against the full AtomDB FITS tables read with their level indices.
@Suite("nei: line extrapolation cross-checks")
struct NeiLineExtrapolationCrossCheckTests {
    /// Same number of values at every record and the same iron emissivities (sum per record, and
    /// the Fe K band) as the Python restatement working on the same compact blob and rate table.
    @Test(.enabled(if: Python.canImport("numpy"), "python3 with numpy is not available"))
    func pythonRestatementAgrees() throws {
        let scripts = ReferenceData.packageRoot.appendingPathComponent("scripts").path
        let value = try Python.json("""
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from compact_atomdb import CompactTable
        from nei_line_extrapolation import Rule, default_paths
        blob, rates = default_paths()
        supplement = Rule(CompactTable(blob), rates).supplement()
        rows = []
        for t in sorted(supplement):
            E, Z, ion, Q = supplement[t]
            fe = Z == 26
            rows.append([len(E), float(Q[fe].sum()), float(Q[fe & (E > 6.3) & (E < 7.1)].sum())])
        print(json.dumps(rows))
        """, arguments: [scripts])
        let rows = try #require(value as? [[Double]])
        let supplement = try NeiSupplementaryLines.embedded()
        #expect(rows.count == supplement.records.count)
        for (t, row) in rows.enumerated() where t < supplement.records.count {
            let list = supplement.records[t]
            var iron = 0.0, ironK = 0.0
            for j in 0..<list.count where list.elements[j] == 26 {
                iron += list.emissivities[j]
                if list.energies[j] > 6.3 && list.energies[j] < 7.1 { ironK += list.emissivities[j] }
            }
            #expect(Double(list.count) == row[0], "record \(t): \(list.count) values, python \(row[0])")
            #expect(abs(iron - row[1]) <= 1e-9 * max(row[1], 1e-300), "record \(t): Fe \(iron) vs \(row[1])")
            #expect(abs(ironK - row[2]) <= 1e-9 * max(row[2], 1e-300), "record \(t): Fe K \(ironK) vs \(row[2])")
        }
    }

    /// Read from the full FITS tables (transitions identified by element, ion and the
    /// UpperLev/LowerLev columns), the rule gives the same extrapolated iron lines above 0.09 keV
    /// as from the compact table (which keeps λ and ε of those lines exactly, as float32).
    @Test(.enabled(if: ReferenceData.has("atomdb/apec_v3.0.9_line.fits"), ReferenceData.skipReason))
    func fullTablesGiveTheSameIronLines() throws {
        let files = try AtomDBFiles.locate(in: ReferenceData.path("atomdb"), source: "test")
        let full = try EmissivityTable.read(files)
        let identified = full.records.allSatisfy { $0.lines.hasTransitions }
        #expect(identified)
        let fromFull = try NeiLineExtrapolation.default.supplementaryLines(for: full, solver: IonizationSolver())
        let embedded = try NeiSupplementaryLines.embedded()
        let offset = full.records.count - embedded.records.count   // the compact table starts at row 9
        #expect(offset == 9)
        for t in 0..<embedded.records.count where embedded.records[t].count > 0 {
            func iron(_ list: LineList) -> [Double: Double] {
                var out: [Double: Double] = [:]
                for j in 0..<list.count where list.elements[j] == 26 && list.energies[j] >= 0.09 {
                    out[list.energies[j], default: 0] += list.emissivities[j]
                }
                return out
            }
            let a = iron(embedded.records[t]), b = iron(fromFull.records[t + offset])
            #expect(a.count == b.count, "record \(t): \(a.count) vs \(b.count) iron energies")
            let worst = a.reduce(0.0) { worst, entry in
                guard let other = b[entry.key] else { return .infinity }
                return max(worst, abs(other / entry.value - 1))
            }
            #expect(worst <= 1e-6, "record \(t): worst relative difference \(worst)")
        }
    }
}
