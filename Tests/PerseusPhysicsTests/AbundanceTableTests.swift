import Foundation
import Testing
@testable import PerseusPhysics
import PerseusTestSupport

@Suite struct AbundanceTableTests {
    @Test func builtInTablesInXSPECOrder() throws {
        #expect(AbundanceTable.names == ["angr", "aspl", "feld", "aneb", "grsa", "wilm", "lodd", "lpgp", "lpgs"])
        #expect(AbundanceTable.builtIn.allSatisfy { $0.values.count == 30 && $0.values[0] == 1 })
        #expect(AbundanceTable.angr[26] == 4.68e-5)
        #expect(try AbundanceTable.named("wilm")[26] == 2.69e-5)
    }

    @Test func lookupIsCaseInsensitiveWithFileAliases() throws {
        #expect(try AbundanceTable.named("WILM").name == "wilm")
        #expect(try AbundanceTable.named("lgpp").name == "lpgp")
        #expect(try AbundanceTable.named("lgps").name == "lpgs")
    }

    @Test func unknownNameListsValidOnes() {
        #expect(throws: AbundanceTableError.unknown(name: "solar", valid: AbundanceTable.names)) {
            try AbundanceTable.named("solar")
        }
        let message = AbundanceTableError.unknown(name: "solar", valid: AbundanceTable.names).description
        #expect(message.contains("'solar'") && message.contains("angr, aspl") && message.contains("lpgs"))
    }

    @Test func ratioToAngr() throws {
        let wilm = try AbundanceTable.named("wilm")
        let ratio = wilm.ratioToAngr
        #expect(ratio[0] == 1)
        #expect(abs(ratio[25] - 2.69e-5 / 4.68e-5) < 1e-15)
        #expect(ratio[2] == 0)   // wilm has no Li
        #expect(AbundanceTable.angr.ratioToAngr.allSatisfy { $0 == 1 })
    }

    /// The embedded values are the file's, number for number.
    @Test(.enabled(if: ReferenceData.has("absorption/abundances.dat"), "reference data ../shared/data not found (set PERSEUS_REFERENCE_DATA)"))
    func matchesSourceFile() throws {
        let text = try String(contentsOfFile: ReferenceData.path("absorption/abundances.dat"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        let header = rows[0].dropFirst().map { String($0).lowercased() }
        #expect(rows.count == 31)
        for (column, name) in header.enumerated() {
            let table = try AbundanceTable.named(name)
            for z in 1...30 {
                #expect(rows[z][0] == Substring(ChemicalElement.symbols[z - 1]))
                #expect(table[z] == Double(rows[z][column + 1])!, "\(name) Z=\(z)")
            }
        }
    }
}
