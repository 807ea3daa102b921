import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport

/// Reading the full AtomDB 3.0.9 FITS tables, and apec computed from them.
@Suite(.enabled(if: ApecReference.isAvailable, "needs ../shared/data/atomdb (AtomDB 3.0.9) and python3 with astropy and numpy"))
struct AtomDBFITSReaderTests {
    static let full: Result<EmissivityTable, AtomDBError> = Result {
        () throws(AtomDBError) -> EmissivityTable in
        let files = try AtomDBFiles.locate(in: ReferenceData.path("atomdb"), source: "test")
        return try EmissivityTable.read(files)
    }

    @Test func readsEveryTemperatureAndLine() throws {
        let table = try Self.full.get()
        #expect(table.records.count == 51)
        #expect(abs(table.temperatures[0] - 8.6173852e-4) < 1e-10)
        let counts = try Python.json("""
        import json, sys
        from astropy.io import fits
        f = fits.open(sys.argv[1])
        print(json.dumps([int(n) for n in f['PARAMETERS'].data['Nline']]))
        """, arguments: [ReferenceData.path(ApecReference.lineFile)]) as? [Int]
        #expect(table.records.map(\.lines.count) == counts)
        // kT 4.3 keV (row 37): 30 element continua, Fe XXV w at 12.3984191 / 1.8503995 Å.
        let record = table.records[37]
        #expect(record.continua.count == 30 && record.pseudoContinua.count == 30)
        #expect(record.lines.energies.contains { abs($0 - 12.3984191 / Double(Float(1.8503995))) < 1e-12 })
    }

    /// apec from the full tables against the independent Python reading: the same tables and the
    /// same conventions, so agreement to rounding.
    @Test func fullTableSpectrumMatchesReference() throws {
        let grid = try EnergyGrid.linear(from: 0.3, to: 12, step: 0.005)
        let apec = try Apec(.apec, table: Self.full.get(), abundanceTable: AbundanceTable.named("aspl"))
        let value = try evaluate(apec, on: grid, [3.3, 0.45, 0.05, 0.7])
        let reference = try ApecReference.spectrum(edges: grid.lo + [grid.hi.last!], kT: 3.3,
                                                   weights: apecWeights(metals: 0.45, table: AbundanceTable.named("aspl")),
                                                   redshift: 0.05, norm: 0.7)
        let c = SpectrumComparison(value, reference: reference, floor: 1e-8)
        #expect(c.worst <= 1e-9, "worst \(c.worst) at bin \(c.worstBin)")
    }

    /// The embedded compact table agrees with the full tables read by Perseus itself.
    @Test func compactTableAgreesWithFullTables() throws {
        let grid = try EnergyGrid.linear(from: 0.2, to: 20, step: 0.002)
        let full = try Apec(.apec, table: Self.full.get())
        let compact = try Apec(.apec)
        for kT in [0.2, 0.9, 2.7, 7.5, 25] {
            let a = try evaluate(full, on: grid, [kT, 0.5, 0.03, 1])
            let b = try evaluate(compact, on: grid, [kT, 0.5, 0.03, 1])
            let c = SpectrumComparison(b, reference: a)
            #expect(c.worst <= 1e-3, "kT \(kT): worst \(c.worst) at bin \(c.worstBin)")
        }
    }

    /// A table with an impossible element is refused with the file, HDU and row named.
    @Test func invalidTableIsReported() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-bad-atomdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Python.run("""
        import sys
        import numpy as np
        from astropy.io import fits
        line, coco, out = sys.argv[1], sys.argv[2], sys.argv[3]
        with fits.open(line) as f:
            hdus = [f[0], f[1]] + [f[i] for i in range(2, 4)]
            hdus[1] = fits.BinTableHDU(f[1].data[:2], header=f[1].header)
            bad = f[3].data.copy()
            bad['Element'][5] = 31
            hdus[3] = fits.BinTableHDU(bad, header=f[3].header)
            fits.HDUList(hdus).writeto(out + '/apec_v3.0.9_line.fits')
        with fits.open(coco) as f:
            p = fits.BinTableHDU(f[1].data[:2], header=f[1].header)
            fits.HDUList([f[0], p, f[2], f[3]]).writeto(out + '/apec_v3.0.9_coco.fits')
        """, arguments: [ReferenceData.path(ApecReference.lineFile), ReferenceData.path(ApecReference.cocoFile), folder.path])
        let files = try AtomDBFiles.locate(in: folder.path, source: "test")
        do {
            _ = try EmissivityTable.read(files)
            Issue.record("expected an error")
        } catch {
            let text = error.description
            #expect(text.contains("apec_v3.0.9_line.fits") && text.contains("HDU 4") && text.contains("row 6") && text.contains("Element"),
                    "\(text)")
        }
    }
}
