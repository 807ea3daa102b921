import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics
import PerseusTestSupport

/// AtomDB's level indices of each transition (format version 2 of the compact table), which
/// `nei` uses to tell dielectronic satellites from collisionally excited lines.
@Suite struct AtomDBTransitionLevelsTests {
    /// Every line of the embedded table has its levels; the known satellite bands come from
    /// AtomDB's satellite levels (≥ 10000) only, and the Fe XXV resonance line (w, 6.700 keV)
    /// from a bound level to the ground level.
    @Test func embeddedTableCarriesLevels() throws {
        let table = try EmissivityTable.embedded()
        var satelliteBand = 0
        var resonance: TransitionLevels?
        for record in table.records {
            let lines = record.lines
            for j in 0..<lines.count {
                let levels = table.transitionLevels[Int(lines.transitions[j])]
                // (AtomDB does not number levels by energy: 49 lines have upper < lower.)
                #expect(levels.upper != levels.lower && levels.lower >= 1)
                if lines.elements[j] == 26, lines.ions[j] == 25 {
                    if lines.energies[j] > 6.85 && lines.energies[j] < 6.97 {
                        satelliteBand += 1
                        #expect(levels.upper >= 10000, "Fe XXV line at \(lines.energies[j]) keV from level \(levels.upper)")
                    }
                    if abs(lines.energies[j] - 6.7004) < 2e-4 { resonance = levels }
                }
            }
        }
        #expect(satelliteBand > 0)
        let w = try #require(resonance)
        #expect(w.lower == 1 && w.upper < 10000)
    }

    /// Levels that do not cover a line's transition are refused, naming the temperature.
    @Test func levelsMustCoverEveryTransition() throws {
        let lines = LineList(energies: [1.0, 2.0], elements: [26, 26], ions: [17, 17], emissivities: [1e-18, 1e-18],
                             transitions: [0, 1])
        let record = TemperatureRecord(kT: 1, electronTemperature: 1 / IonizationRateTable.boltzmannKeVPerKelvin,
                                       lines: lines, continua: [], pseudoContinua: [])
        #expect(throws: AtomDBError.self) {
            try EmissivityTable(origin: "hand-made", records: [record], transitionLevels: [TransitionLevels(upper: 2, lower: 1)])
        }
        let table = try EmissivityTable(origin: "hand-made", records: [record],
                                        transitionLevels: [TransitionLevels(upper: 2, lower: 1), TransitionLevels(upper: 3, lower: 1)])
        #expect(table.transitionLevels.count == 2)
    }

    /// The embedded table's levels are the full FITS tables' (UpperLev, LowerLev) for the same
    /// iron lines, matched by ion and float32 energy (several transitions can share one λ, so
    /// each key holds the set of their levels).
    @Test(.enabled(if: ReferenceData.has("atomdb/apec_v3.0.9_line.fits"), ReferenceData.skipReason))
    func levelsMatchTheFullTables() throws {
        let files = try AtomDBFiles.locate(in: ReferenceData.path("atomdb"), source: "test")
        let full = try EmissivityTable.read(files)
        let embedded = try EmissivityTable.embedded()
        let offset = full.records.count - embedded.records.count
        // One temperature (kT ≈ 5.4 keV) is enough: the levels are per transition.
        let t = try #require(embedded.temperatures.firstIndex { abs($0 - 5.437) < 0.01 })
        func levels(_ table: EmissivityTable, _ record: Int) -> [String: Set<UInt64>] {
            let lines = table.records[record].lines
            var out: [String: Set<UInt64>] = [:]
            for j in 0..<lines.count where lines.energies[j] >= 0.09 && lines.elements[j] == 26 {
                let levels = table.transitionLevels[Int(lines.transitions[j])]
                out["\(lines.ions[j]) \(Float(lines.energies[j]))", default: []].insert(UInt64(levels.upper) << 32 | UInt64(levels.lower))
            }
            return out
        }
        let a = levels(embedded, t), b = levels(full, t + offset)
        #expect(a.count > 500)
        #expect(a.count == b.count)
        for (key, value) in a {
            #expect(b[key] == value, "Fe \(key) keV")
        }
    }
}
