import Foundation
import PerseusTestSupport
import Testing
@testable import PerseusPhysics

/// The embedded rate table: decodes, reproduces the CHIANTI 10 tables at the nodes, spans
/// 1e4–1e9 K, and rejects temperatures outside it.
@Suite("Ionization: rate table")
struct IonizationRateTableTests {
    @Test func decodesAndCoversTheApecRange() throws {
        let table = try IonizationRateTable.load()
        #expect(table.nodeCount == 51)
        #expect(abs(IonizationRateTable.maximumKT - 86.17) < 0.01)
        #expect(abs(IonizationRateTable.minimumKT - 8.617e-4) < 1e-6)
        // Every rate finite and positive at a spread of temperatures, including the ends.
        for kT in [IonizationRateTable.minimumKT, 0.01, 0.1, 1, 8.6, 8.7, 20, 50, IonizationRateTable.maximumKT] {
            for element in ChemicalElement.all {
                let (s, a) = try table.rates(element: element, kT: kT)
                #expect(s.count == element.atomicNumber && a.count == element.atomicNumber)
                #expect(s.allSatisfy { $0.isFinite && $0 > 0 } && a.allSatisfy { $0.isFinite && $0 > 0 })
            }
        }
        // Fitted elements carry CHIANTI fits above 1e8 K; the others isoelectronic scaling.
        #expect(table.rateSource(element: .iron, charge: 24).ionization == .chiantiFit)
        #expect(table.rateSource(element: try ChemicalElement(parsing: "Co"), charge: 20).ionization == .isoelectronicScaling)
        #expect(table.rateSource(element: try ChemicalElement(parsing: "Zn"), charge: 0).ionization == .asymptoticForm)
    }

    @Test func rejectsTemperaturesOutsideTheTables() throws {
        let table = try IonizationRateTable.load()
        for kT in [0, -1, 1e-4, 86.2, 100, .nan, .infinity] {
            #expect(throws: IonizationError.self) { try table.rates(element: .iron, kT: kT) }
        }
        #expect(IonizationError.temperatureOutOfRange(kT: 100).description.contains("86.17"))
    }

    @Test func rejectsACorruptBlob() {
        let bytes: [UInt8] = Array("PNEIRATX".utf8) + [UInt8](repeating: 0, count: 40)
        #expect(throws: IonizationError.self) {
            try bytes.withUnsafeBytes { try IonizationRateTable(decoding: $0) }
        }
        let truncated: [UInt8] = Array("PNEIRATE".utf8) + [1, 0, 0, 0, 30, 0, 0, 0]
        #expect(throws: IonizationError.self) {
            try truncated.withUnsafeBytes { try IonizationRateTable(decoding: $0) }
        }
    }

    /// At the tabulated temperatures (log T = 4.0 … 8.0) the interpolated rates equal the HYDRAD
    /// CHIANTI 10 tables (rates above their 1e-30 floor), for every ion of every element.
    @Test(.enabled(if: ReferenceData.has("atomic-rates/rates/fe.rts"), referenceDataSkip))
    func reproducesTheTablesAtTheNodes() throws {
        let table = try IonizationRateTable.load()
        var worst = 0.0
        for element in ChemicalElement.all {
            let (sTab, aTab) = try ReferenceTables.rates(element)
            for i in 0..<41 {
                let kT = pow(10, 4 + 0.1 * Double(i)) * IonizationRateTable.boltzmannKeVPerKelvin
                let (s, a) = try table.rates(element: element, kT: kT)
                for q in 0..<element.atomicNumber {
                    if sTab[q][i] > 1.0000001e-30 { worst = max(worst, abs(s[q] / sTab[q][i] - 1)) }
                    worst = max(worst, abs(a[q] / aTab[q][i] - 1))
                }
            }
        }
        #expect(worst < 1e-9, "largest relative difference from the tables at the nodes: \(worst)")
    }

    /// The embedded blob is exactly what scripts/derive_ionization.py produces from the data.
    @Test(.enabled(if: ReferenceData.has("atomic-rates/rates/fe.rts") && Python.canImport("numpy", "scipy"),
                   "needs ../shared/data and python3 with numpy and scipy"))
    func blobIsReproducibleFromTheScript() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-ionization-\(getpid()).bin")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = ReferenceData.packageRoot.appendingPathComponent("scripts/derive_ionization.py").path
        try Python.run("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                       arguments: [script, "--data", ReferenceData.path("atomic-rates"), "--out", out.path])
        let fresh = try Data(contentsOf: out)
        let blob = try #require(IonizationRateTable.embeddedBytes())
        let embedded = Data(blob)
        #expect(fresh == embedded, "run scripts/derive_ionization.py and touch Sources/PerseusData/ionization_rates.S")
    }
}

/// Skip message for tests that need ../shared/data.
let referenceDataSkip = ReferenceData.skipReason

/// Readers for the reference files under ../shared/data/atomic-rates (tests only).
enum ReferenceTables {
    /// S[q][i], α[q][i] from rates/<el>.rts (first Z blocks ionisation, next Z recombination).
    static func rates(_ element: ChemicalElement) throws -> (s: [[Double]], a: [[Double]]) {
        let text = try String(contentsOfFile: ReferenceData.path("atomic-rates/rates/\(element.symbol.lowercased()).rts"), encoding: .utf8)
        var blocks: [[Double]] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            if t.first!.isLetter { blocks.append([]) } else { blocks[blocks.count - 1] += t.split(separator: " ").compactMap { Double($0) } }
        }
        let z = element.atomicNumber
        return (Array(blocks[0..<z]), Array(blocks[z..<(2 * z)]))
    }

    /// Rows of balances/<el>.bal: [log T, f_0 … f_Z].
    static func balances(_ element: ChemicalElement) throws -> [[Double]] {
        let text = try String(contentsOfFile: ReferenceData.path("atomic-rates/balances/\(element.symbol.lowercased()).bal"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) } }
            .filter { !$0.isEmpty }
    }
}
