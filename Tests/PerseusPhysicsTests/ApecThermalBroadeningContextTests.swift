import Foundation
import Testing
import PerseusCore
@testable import PerseusPhysics

/// `ModelContext.thermalBroadening` (XSPEC's APECTHERMAL) reaches apec and vapec; bapec is
/// broadened either way.
@Suite("apec: thermal broadening from the model context")
struct ApecThermalBroadeningContextTests {
    static let grid = try! EnergyGrid.linear(from: 6.5, to: 7.1, step: 0.0005)

    @Test func contextSwitchesThermalBroadening() throws {
        let context = ModelContext(thermalBroadening: true)
        for variant in [Apec.Variant.apec, .vapec] {
            let viaContext = try Support.evaluate(variant.rawValue, on: Self.grid, ["kT=6"], context: context)
            let direct = try Support.evaluate(Apec(variant, options: ApecOptions(broadening: LineBroadening(thermal: true))),
                                              on: Self.grid, variant == .apec ? [6, 1, 0, 1] : [6] + [Double](repeating: 1, count: 13) + [0, 1])
            #expect(viaContext == direct, "\(variant)")
            let narrow = try Support.evaluate(variant.rawValue, on: Self.grid, ["kT=6"])
            // Broadening moves flux out of the line bins but conserves it (all lines sit well
            // inside the band's ±6σ except near its ends).
            #expect(viaContext != narrow)
            #expect(viaContext.max()! < narrow.max()!)
        }
        let bapec = try Support.evaluate("bapec", on: Self.grid, ["kT=6"])
        let bapecContext = try Support.evaluate("bapec", on: Self.grid, ["kT=6"], context: context)
        #expect(bapec == bapecContext)
    }
}
