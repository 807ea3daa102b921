import Foundation
import Testing
import PerseusCore
import PerseusTestSupport
@testable import PerseusPhysics

/// tbabs, phabs and wabs against the cross-section tables in ../shared/data/absorption (read
/// with astropy) and against XSPEC's per-bin rules.
struct AbsorptionTests {
    static let dataAvailable = ReferenceData.has("absorption/xsect_tbabs_wilm.fits") && Support.hasAstropy
    static let dataSkip = Testing.Comment(rawValue: "needs ../shared/data/absorption and python3 with numpy + astropy")

    /// Reads ENERGY and SIGMA of one FITS table.
    static func fitsTable(_ name: String) throws -> (energy: [Double], sigma: [Double]) {
        let value = try Python.json("""
        import json, sys
        from astropy.io import fits
        d = fits.open(sys.argv[1])[1].data
        print(json.dumps([[float(x) for x in d['ENERGY']], [float(x) for x in d['SIGMA']]]))
        """, arguments: [ReferenceData.path("absorption/\(name)")])
        let arrays = try #require(value as? [[Double]])
        return (arrays[0], arrays[1])
    }

    @Test(.enabled(if: dataAvailable, dataSkip),
          arguments: [("tbabs", "angr"), ("tbabs", "aspl"), ("tbabs", "wilm"), ("phabs", "angr"), ("phabs", "aspl")])
    func transmissionIsExpOfMinusNHSigmaAtTheTabulatedEnergies(model: String, abundance: String) throws {
        let (energy, sigma) = try Self.fitsTable("xsect_\(model)_\(abundance).fits")
        #expect(energy.count == 10_000)
        // Narrow bins centred on every 7th tabulated energy (narrow enough that the bin rule's
        // average of σ at the two edges equals σ at the node even beside an absorption edge,
        // where ln σ changes by up to ~4000 × ln E between nodes).
        let picks = Swift.stride(from: 3, to: energy.count - 3, by: 7).map { $0 }
        let grid = try EnergyGrid(lo: picks.map { energy[$0] * (1 - 1e-12) }, hi: picks.map { energy[$0] * (1 + 1e-12) })
        for nH in [0.01, 0.138, 1.0, 5.0] {
            let values = try Support.evaluate(model, on: grid, ["\(model).nH=\(nH)"],
                                              context: ModelContext(abundanceTable: abundance))
            for (k, index) in picks.enumerated() {
                let expected = Foundation.exp(-nH * sigma[index])
                #expect(abs(values[k] - expected) <= 1e-4 * expected, "\(model)_\(abundance) at \(energy[index]) keV, nH \(nH)")
            }
        }
    }

    @Test(.enabled(if: dataAvailable, dataSkip))
    func binFactorFollowsXSPECsEdgeAverage() throws {
        // Hitomi-like 1 eV bins, NuSTAR-like 40 eV bins and wide bins: exp(−nH ½[σ(E₁) + σ(E₂)])
        // with σ interpolated log-log in the FITS table by numpy, and extended above the table
        // with the same fitted power law.
        let grids = [try EnergyGrid.linear(from: 1.8, to: 2.6, step: 0.001),
                     try EnergyGrid.linear(from: 3, to: 79.96, step: 0.04),
                     try EnergyGrid.logarithmic(from: 0.1, to: 30, count: 50)]
        for grid in grids {
            let values = try Support.evaluate("tbabs", on: grid, ["nH=0.3"], context: ModelContext(abundanceTable: "wilm"))
            let slope = AbsorptionTables.table(model: "tbabs", abundanceTable: "wilm")!.highEnergySlope
            let expected = try Support.pythonNumbers("""
            import json, sys
            import numpy as np
            from astropy.io import fits
            d = fits.open(sys.argv[1])[1].data
            le, ls = np.log(d['ENERGY'].astype(float)), np.log(d['SIGMA'].astype(float))
            slope = float(sys.argv[4])
            def sigma(e):
                x = np.log(np.asarray(e, float))
                inside = np.exp(np.interp(x, le, ls))
                above = np.exp(ls[-1] + slope * (x - le[-1]))
                # between 0.1 keV and the first node: the first interval's power law
                below = np.exp(ls[0] + (ls[1] - ls[0]) / (le[1] - le[0]) * (x - le[0]))
                return np.where(x >= le[-1], above, np.where(x < le[0], below, inside))
            lo, hi = np.array(json.loads(sys.argv[2])), np.array(json.loads(sys.argv[3]))
            print(json.dumps(list(np.exp(-0.3 * 0.5 * (sigma(lo) + sigma(hi))))))
            """, [ReferenceData.path("absorption/xsect_tbabs_wilm.fits"), Support.json(grid.lo), Support.json(grid.hi), "\(slope)"])
            #expect(Support.maxRelativeError(values, expected) < 1e-10)
        }
    }

    @Test(.enabled(if: dataAvailable, dataSkip))
    func wabsFollowsMorrisonMcCammonWithXSPECsTrapezoid() throws {
        // Independent reference: Morrison & McCammon's published fit (ApJ 270, 119, Table 2)
        // evaluated analytically, averaged over each bin as XSPEC's xsabsw does (trapezoid of the
        // transmission, split at the edges).
        let grid = try EnergyGrid(edges: [0.12, 0.2, 0.29, 0.5, 0.53, 0.54, 1, 1.2, 1.3, 1.31, 2, 4, 7, 7.2, 8.3, 8.4, 9, 12, 19])
        for nH in [0.05, 0.4, 1.0] {
            let values = try Support.evaluate("wabs", on: grid, ["nH=\(nH)"])
            let expected = try Support.pythonNumbers("""
            import json, sys, math
            # (E_lo, E_hi, c0, c1, c2): sigma = (c0 + c1 E + c2 E^2) E^-3 1e-24 cm^2, E in keV
            R = [(0.03, 0.1, 17.3, 608.1, -2150.), (0.1, 0.284, 34.6, 267.9, -476.1), (0.284, 0.4, 78.1, 18.8, 4.3),
                 (0.4, 0.532, 71.4, 66.8, -51.4), (0.532, 0.707, 95.5, 145.8, -61.1), (0.707, 0.867, 308.9, -380.6, 294.0),
                 (0.867, 1.303, 120.6, 169.3, -47.7), (1.303, 1.840, 141.3, 146.8, -31.5), (1.840, 2.471, 202.7, 104.7, -17.0),
                 (2.471, 3.210, 342.7, 18.7, 0.0), (3.210, 4.038, 352.2, 18.7, 0.0), (4.038, 7.111, 433.9, -2.4, 0.75),
                 (7.111, 8.331, 629.0, 30.9, 0.0), (8.331, 10.0, 701.2, 25.2, 0.0), (10.0, 1e10, 953.2, 0.0, 0.0)]
            edge = [r[0] for r in R[1:]]
            def sigma(e, side):   # in 1e-22 cm^2 per H
                for lo, hi, c0, c1, c2 in R:
                    if (lo < e < hi) or (e == lo and side == 'above') or (e == hi and side == 'below'):
                        return 1e-2 * (c0 + c1 * e + c2 * e * e) / e**3
            nh = float(sys.argv[3])
            T = lambda e, side: math.exp(-nh * sigma(e, side))
            out = []
            for a, b in zip(json.loads(sys.argv[1]), json.loads(sys.argv[2])):
                cuts = [a] + [e for e in edge if a < e < b] + [b]
                total = sum(0.5 * (q - p) * (T(p, 'above') + T(q, 'below')) for p, q in zip(cuts[:-1], cuts[1:]))
                out.append(total / (b - a))
            print(json.dumps(out))
            """, [Support.json(grid.lo), Support.json(grid.hi), "\(nH)"])
            // The table stores float32 values of the fit: agreement to a few 1e-6 in σ.
            #expect(Support.maxRelativeError(values, expected) < 1e-5 * max(1, 30 * nH), "nH \(nH)")
        }
    }

    @Test func abundanceTablesAreChosenByTheContext() throws {
        let grid = try EnergyGrid.linear(from: 0.5, to: 2, step: 0.5)
        let angr = try Support.evaluate("tbabs", on: grid, ["nH=1"])
        let wilm = try Support.evaluate("tbabs", on: grid, ["nH=1"], context: ModelContext(abundanceTable: "WILM"))
        // Wilms et al.'s ISM abundances are lower than Anders & Grevesse's: less absorption.
        for i in 0..<grid.count { #expect(wilm[i] > angr[i]) }
        #expect(throws: AbsorptionError.unsupportedAbundanceTable(model: "tbabs", requested: "lodd", available: ["angr", "aspl", "wilm"])) {
            try TBabs(abundanceTable: "lodd")
        }
        #expect(throws: AbsorptionError.unsupportedAbundanceTable(model: "phabs", requested: "wilm", available: ["angr", "aspl"])) {
            try PHabs(abundanceTable: "wilm")
        }
        #expect(AbsorptionTables.abundanceTables(for: "tbabs") == ["angr", "aspl", "wilm"])
    }

    @Test func energiesBelowTheTableAreRejectedOrHeld() throws {
        let grid = try EnergyGrid(edges: [0, 0.05, 0.1, 0.2])
        #expect(throws: ModelPreparationError.self) { try Support.evaluate("tbabs", on: grid, ["nH=0.01"]) }
        do {
            _ = try Support.evaluate("wabs*powerlaw", on: grid)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("wabs cross sections are tabulated from 0.1 keV but energy bin 0 starts at 0.0 keV"))
        }
        let held = try Support.evaluate("tbabs", on: grid, ["nH=0.01"], context: ModelContext(lowEnergyAbsorption: .holdBelowTable))
        let sigma01 = AbsorptionTables.table(model: "tbabs", abundanceTable: "angr")!.crossSection(at: 0.1)
        #expect(abs(held[0] - Foundation.exp(-0.01 * sigma01)) < 1e-15)
        #expect(abs(held[1] - Foundation.exp(-0.01 * sigma01)) < 1e-15)
        #expect(held[2] < held[1] || held[2] > held[1])   // a real value above 0.1 keV
    }

    @Test func highEnergyExtensionIsContinuousAndTiny() throws {
        for (model, abundance) in [("tbabs", "angr"), ("tbabs", "wilm"), ("phabs", "aspl"), ("wabs", "angr")] {
            let table = try #require(AbsorptionTables.table(model: model, abundanceTable: abundance))
            let last = table.energies.last!
            let below = table.crossSection(at: last * (1 - 1e-9)), above = table.crossSection(at: last * (1 + 1e-9))
            #expect(abs(below - above) / below < 1e-6)
            #expect(table.highEnergySlope < -2.8 && table.highEnergySlope > -3.01)
            // 1 − T at and above 20 keV for nH = 1e21 cm⁻²: < 1.7e-4, and < 5.2e-5 from 30 keV.
            #expect(1 - Foundation.exp(-0.1 * table.crossSection(at: 20)) < 1.7e-4)
            #expect(1 - Foundation.exp(-0.1 * table.crossSection(at: 30)) < 5.2e-5)
        }
        // NuSTAR band through tbabs with Coma's nH = 8.58e19 cm⁻² (Lin et al. 2024).
        let values = try Support.evaluate("tbabs", on: try EnergyGrid.linear(from: 20, to: 80, step: 0.04), ["nH=0.00858"])
        #expect(values.allSatisfy { 1 - $0 < 1.5e-5 && $0 <= 1 })
    }

    @Test func embeddedTablesDecode() {
        #expect(AbsorptionTables.all.count == 6)
        let wilm = AbsorptionTables.table(model: "tbabs", abundanceTable: "wilm")!
        #expect(wilm.energies.count == 10_000)
        #expect(abs(wilm.energies[0] - 0.1000265) < 1e-7)
        #expect(abs(wilm.crossSection(at: 1) - 1.7375) < 1e-3)    // data README: 1.74 at 1 keV for wilm
    }
}
