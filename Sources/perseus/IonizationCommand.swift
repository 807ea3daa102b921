import ArgumentParser
import Foundation
import Perseus

/// `perseus ionization --element Fe --kT 2 [--tau 1e11] [--json]`: ion fractions of one element,
/// in collisional equilibrium or after an ionisation timescale τ from the neutral state (XSPEC
/// `nei`'s initial condition).
struct IonizationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ionization",
        abstract: "Ion fractions of an element: equilibrium, or non-equilibrium after tau = n_e t.",
        discussion: """
            Rates: CHIANTI 10 (Dere et al. 1997; Del Zanna et al. 2021) as tabulated by HYDRAD, \
            extended above 1e8 K with the CHIANTI 10.1 fits. Without --tau the plasma is in \
            collisional ionisation equilibrium; with --tau it started neutral (as XSPEC's nei \
            assumes) or, with --initial-kT, in equilibrium at that temperature (as XSPEC's rnei).
            """)

    @Option(help: "Element: symbol (Fe), name (iron) or atomic number (26), Z = 1...30.")
    var element: String
    @Option(name: .customLong("kT"), help: "Electron temperature [keV], 8.617e-4 ... 86.17.")
    var kT: Double
    @Option(help: "Ionisation timescale n_e t [s cm^-3], >= 0. Omit for equilibrium.")
    var tau: Double?
    @Option(name: .customLong("initial-kT"), help: "Start in equilibrium at this kT [keV] instead of neutral (needs --tau).")
    var initialKT: Double?
    @Flag(help: "Print one JSON object: element, Z, kT, tau (null for equilibrium), fractions (neutral first).")
    var json = false

    func run() throws {
        let element = try ChemicalElement(parsing: self.element)
        let solver = try IonizationSolver()
        let fractions: [Double]
        var initialDescription = "equilibrium"
        if let tau {
            let initial: InitialIonization = initialKT.map { .equilibrium(kT: $0) } ?? .neutral
            initialDescription = initialKT.map { "equilibrium at kT = \($0) keV" } ?? "neutral"
            fractions = try solver.fractions(element: element, kT: kT, tau: tau, initial: initial)
        } else {
            if initialKT != nil { throw InvalidArgument("--initial-kT needs --tau (without it the fractions are the equilibrium at --kT)") }
            fractions = try solver.equilibrium(element: element, kT: kT)
        }
        let meanCharge = fractions.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        if json {
            var object: [String: Any] = [
                "element": element.symbol,
                "Z": element.atomicNumber,
                "kT": kT,
                "tau": tau.map { $0 as Any } ?? NSNull(),
                "fractions": fractions,
                "meanCharge": meanCharge,
                "initial": tau == nil ? "equilibrium" : (initialKT == nil ? "neutral" : "equilibrium"),
            ]
            if let initialKT { object["initialKT"] = initialKT }
            try CommandLineOutput.printJSON(object)
            return
        }
        let kelvin = kT / IonizationRateTable.boltzmannKeVPerKelvin
        if let tau {
            print(String(format: "%@ (Z = %d) at kT = %g keV (T = %.4g K), tau = %g s cm^-3, initial state: %@",
                         element.name, element.atomicNumber, kT, kelvin, tau, initialDescription))
        } else {
            print(String(format: "%@ (Z = %d) in collisional ionisation equilibrium at kT = %g keV (T = %.4g K)",
                         element.name, element.atomicNumber, kT, kelvin))
        }
        print("  ion        charge  fraction")
        for (q, f) in fractions.enumerated() {
            let ion = "\(element.symbol) \(romanNumeral(q + 1))"
            print("  " + ion.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %6d  %.6e", q, f))
        }
        print(String(format: "  mean charge %.4f", meanCharge))
    }

    private func romanNumeral(_ n: Int) -> String {
        let table: [(Int, String)] = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var n = n, s = ""
        for (v, r) in table { while n >= v { s += r; n -= v } }
        return s
    }
}
