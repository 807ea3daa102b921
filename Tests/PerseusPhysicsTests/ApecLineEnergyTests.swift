import Foundation
import Testing
@testable import PerseusPhysics
import PerseusTestSupport

/// Line energies of the Fe K lines: from the compact table, from AtomDB's FITS table, and the
/// published values (Fe XXV He-α resonance w 6.700 keV, Fe XXVI Ly-α1 6.973 keV).
@Suite struct ApecLineEnergyTests {
    /// The strongest line of `ion` of Fe within `range` keV in the embedded table at kT ≈ 4.3 keV.
    func strongest(ion: UInt8, in range: ClosedRange<Double>) throws -> Double {
        let table = try EmissivityTable.embedded()
        let record = table.records[28]   // kT = 4.3189 keV (row 37 of the full table)
        #expect(abs(record.kT - 4.3189235) < 1e-6)
        let lines = record.lines
        let candidates = lines.energies.indices.filter {
            lines.elements[$0] == 26 && lines.ions[$0] == ion && range.contains(lines.energies[$0])
        }
        let best = try #require(candidates.max { lines.emissivities[$0] < lines.emissivities[$1] })
        return lines.energies[best]
    }

    @Test func ironHeliumAlphaResonance() throws {
        let w = try strongest(ion: 25, in: 6.6...6.75)
        #expect(abs(w - 6.700) < 0.001, "Fe XXV w at \(w) keV; published 6.700 keV")
        if ApecReference.isAvailable {
            let fits = try ApecReference.lineEnergy(element: 26, ion: 25, upper: 7, lower: 1, temperature: 37)
            #expect(abs(w - fits) < 1e-4, "compact \(w) vs AtomDB \(fits) keV")
        }
    }

    @Test func ironLymanAlpha1() throws {
        let lya = try strongest(ion: 26, in: 6.9...7.0)
        #expect(abs(lya - 6.973) < 0.001, "Fe XXVI Ly-α1 at \(lya) keV; published 6.973 keV")
        if ApecReference.isAvailable {
            let fits = try ApecReference.lineEnergy(element: 26, ion: 26, upper: 4, lower: 1, temperature: 37)
            #expect(abs(lya - fits) < 1e-4, "compact \(lya) vs AtomDB \(fits) keV")
        }
    }
}
