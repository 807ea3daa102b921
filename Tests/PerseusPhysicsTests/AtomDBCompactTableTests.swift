import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport

/// The compact embedded AtomDB table against the full AtomDB 3.0.9 FITS tables: apec spectra on
/// 1 eV bins over 0.1 – 100 keV, kT ∈ {0.1, 0.3, 1, 3, 8, 20, 60} keV, abundance ∈ {0.3, 1},
/// z ∈ {0, 0.1}, must agree to ≤ 0.1% in every bin holding ≥ 1e-4 of the peak bin.
/// The spectra are computed here by the Swift library from the embedded table and compared by
/// `scripts/verify_atomdb.py` with its reading of the full tables.
@Suite struct AtomDBCompactTableTests {
    static let canRun = ReferenceData.has("atomdb/apec_v3.0.9_line.fits") && Python.canImport("astropy", "numpy")

    @Test func embeddedTableDecodes() throws {
        let table = try EmissivityTable.embedded()
        #expect(table.records.count == 42)
        #expect(abs(table.temperatures[0] - 0.0068450323) < 1e-8)
        #expect(abs(table.temperatures.last! - 86.173851) < 1e-4)
        #expect(table.individualLineThreshold == 0.09)
        // Every record carries lines with element and ion, and 30 element continua.
        for record in table.records {
            #expect(record.continua.count == 30)
            #expect(record.lines.count > 0)
            #expect(record.lines.ions.allSatisfy { $0 >= 1 && $0 <= 31 })
            #expect(zip(record.lines.elements, record.lines.ions).allSatisfy { Int($1) <= Int($0) + 1 })
        }
    }

    @Test(.enabled(if: canRun, "needs ../shared/data/atomdb and python3 with astropy"))
    func reproducesFullTablesToOnePerMille() throws {
        let grid = try EnergyGrid.linear(from: 0.1, to: 100, step: 0.001)
        let apec = try Apec(.apec)
        let prepared = try apec.prepared(for: grid)
        var spectra: [Double] = []
        var out = [Double](repeating: 0, count: grid.count)
        for kT in [0.1, 0.3, 1.0, 3.0, 8.0, 20.0, 60.0] {
            for abundance in [0.3, 1.0] {
                for z in [0.0, 0.1] {
                    let p = [kT, abundance, z, 1.0]
                    p.withUnsafeBufferPointer { pp in
                        out.withUnsafeMutableBufferPointer { prepared.evaluate(parameters: pp, into: $0) }
                    }
                    spectra.append(contentsOf: out)
                }
            }
        }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("perseus-apec-compact-\(ProcessInfo.processInfo.processIdentifier).f64")
        defer { try? FileManager.default.removeItem(at: file) }
        try spectra.withUnsafeBytes { try Data($0).write(to: file) }
        let script = ReferenceData.packageRoot.appendingPathComponent("scripts/verify_atomdb.py").path
        // The script exits 1 when the criterion fails; keep its JSON summary either way.
        let runner = """
        import runpy, sys
        sys.argv = sys.argv[1:]
        try:
            runpy.run_path(sys.argv[0], run_name='__main__')
        except SystemExit:
            pass
        """
        let text = try Python.run(runner,
                                  arguments: [script, "--data", ReferenceData.directory!.path, "--swift-spectra", file.path, "--quiet"])
        let summary = try #require(text.split(separator: "\n").last)
        let json = try #require(JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
        let worst = try #require(json["worst"] as? Double)
        print("compact AtomDB table vs full tables: \(summary)")
        #expect(worst <= 1e-3, "worst relative deviation \(worst) at \(json["worst_case"] ?? "?")")
        #expect(json["passed"] as? Bool == true)
    }
}
