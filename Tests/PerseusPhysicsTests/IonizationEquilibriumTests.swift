import Foundation
import PerseusTestSupport
import Testing
@testable import PerseusPhysics

/// Collisional-ionisation equilibrium against the CHIANTI balances shipped with the rates, and
/// above 1e8 K (where the rates are the CHIANTI 10.1 fits or their isoelectronic extension)
/// against CHIANTI 10.1's own `chianti.ioneq`.
@Suite("Ionization: equilibrium")
struct IonizationEquilibriumTests {
    /// Every element at every tabulated temperature (log T = 4.0 … 8.0): |Δf| < 1e-3 required;
    /// the balances are printed to 9 digits, so agreement is far better.
    @Test(.enabled(if: ReferenceData.has("atomic-rates/balances/fe.bal"), referenceDataSkip))
    func matchesTheShippedBalances() throws {
        let solver = try IonizationSolver()
        var worst = 0.0
        var worstAt = ""
        for element in ChemicalElement.all {
            let rows = try ReferenceTables.balances(element)
            #expect(rows.count == 41)
            for row in rows {
                #expect(row.count == element.stageCount + 1)
                let kT = pow(10, row[0]) * IonizationRateTable.boltzmannKeVPerKelvin
                let f = try solver.equilibrium(element: element, kT: kT)
                for q in 0..<element.stageCount where abs(f[q] - row[q + 1]) > worst {
                    worst = abs(f[q] - row[q + 1])
                    worstAt = "\(element.symbol)+\(q) at log T = \(row[0])"
                }
            }
        }
        #expect(worst < 1e-3, "largest |difference| \(worst) at \(worstAt)")
        #expect(worst < 1e-8, "largest |difference| \(worst) at \(worstAt) (expected: the balances' printed precision)")
    }

    /// log T = 8.05 … 9.0 against chianti.ioneq (CHIANTI 10.1, 4 significant digits): the
    /// extension of the rates above the tables must reproduce CHIANTI's own equilibrium.
    @Test(.enabled(if: ReferenceData.has("atomic-rates/chianti-v10.1/ioneq/chianti.ioneq"), referenceDataSkip))
    func matchesChiantiIoneqAbove1e8K() throws {
        let text = try String(contentsOfFile: ReferenceData.path("atomic-rates/chianti-v10.1/ioneq/chianti.ioneq"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let logT = lines[1].split(separator: " ").compactMap { Double($0) }
        #expect(logT.count == 101)
        var table: [Int: [Int: [Double]]] = [:]
        for line in lines.dropFirst(2) {
            let chars = Array(line)
            guard chars.count > 6, let z = Int(String(chars[0..<3]).trimmingCharacters(in: .whitespaces)),
                  let stage = Int(String(chars[3..<6]).trimmingCharacters(in: .whitespaces)) else { break }
            // Fixed-width e10.3 fields: three-digit exponents leave no blank between values.
            let values = (0..<101).map { i in Double(String(chars[(6 + 10 * i)..<(16 + 10 * i)]).trimmingCharacters(in: .whitespaces)) ?? .nan }
            table[z, default: [:]][stage] = values
        }
        let solver = try IonizationSolver()
        var worst = 0.0
        var worstAt = ""
        for element in ChemicalElement.all {
            for (j, x) in logT.enumerated() where x > 8.0 {
                let f = try solver.equilibrium(element: element, kT: pow(10, x) * IonizationRateTable.boltzmannKeVPerKelvin)
                for q in 0..<element.stageCount {
                    let ref = try #require(table[element.atomicNumber]?[q + 1]?[j])
                    if abs(f[q] - ref) > worst { worst = abs(f[q] - ref); worstAt = "\(element.symbol)+\(q) at log T = \(x)" }
                }
            }
        }
        #expect(worst < 3e-3, "largest |difference| from chianti.ioneq above 1e8 K: \(worst) at \(worstAt)")
    }

    @Test func equilibriumIsANormalisedDistributionAtAnyTemperature() throws {
        let solver = try IonizationSolver()
        for kT in stride(from: -3.0, through: 1.9, by: 0.37).map({ pow(10, $0) }) {
            for element in ChemicalElement.all {
                let f = try solver.equilibrium(element: element, kT: kT)
                #expect(f.allSatisfy { $0 >= 0 && $0.isFinite })
                #expect(abs(f.reduce(0, +) - 1) < 1e-12)
            }
        }
        // Physics sanity: iron is mostly He-like at 5 keV and mostly neutral at 1e4 K.
        let hot = try solver.equilibrium(element: .iron, kT: 5)
        #expect(hot.firstIndex(of: hot.max()!) == 24)
        let cold = try solver.equilibrium(element: .iron, kT: 1e4 * IonizationRateTable.boltzmannKeVPerKelvin)
        #expect(cold[0] > 0.5 || cold[1] > 0.5)
    }
}
