import ArgumentParser
import Foundation
import Perseus

extension LowEnergyAbsorptionRule: ExpressibleByArgument {}

/// `perseus model "EXPR"`: evaluates an XSPEC-style model expression on an energy grid and prints
/// e_lo, e_hi and the value of every bin.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Evaluate an XSPEC-style model expression on an energy grid.",
        discussion: """
        Prints one row per energy bin: e_lo and e_hi [keV] and the value, which is the photon flux \
        in the bin [photons cm^-2 s^-1] for an additive expression, or the dimensionless factor \
        for a purely multiplicative one (e.g. "tbabs").

        Parameters are addressed as COMPONENT.PARAMETER with XSPEC's names (apec.kT, \
        apec.Abundanc, tbabs.nH, powerlaw.PhoIndex, …), as apec_1.kT, apec_2.kT when a component \
        repeats, case-insensitively and by unique prefixes (apec_2.abund). A value may be a \
        number or a linear link to another parameter: --set apec_2.Abundanc=apec_1.Abundanc, \
        --set "apec_2.kT=2*apec_1.kT".

        --atomdb DIR (or XSPEC's ATOMDB environment variable) names a directory with the full \
        AtomDB FITS tables; it is passed to the AtomDB components (apec, vapec, nei, vnei), which \
        otherwise use the tables embedded in Perseus. --thermal-broadening broadens their lines \
        by the ions' thermal motion (off by default, as in XSPEC).

        Examples:
          perseus model "tbabs*powerlaw" --set tbabs.nH=0.1 --set PhoIndex=2 --grid 0.5:10:0.5
          perseus model "tbabs*(apec+apec)" --set apec_1.kT=2 --set apec_2.kT=6 --grid 3:80:0.04 --json
          perseus model "tbabs*nei" --set nH=0.138 --set kT=5 --set Tau=1e11 --grid 1.8:9:0.001
        """)

    @Argument(help: "Model expression in XSPEC syntax, e.g. \"tbabs*(apec + powerlaw)\".")
    var expression: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a parameter: NAME=VALUE or NAME=LINK (repeatable).", valueName: "NAME=VALUE"))
    var assignments: [String] = []

    @Option(help: ArgumentHelp("Energy grid LO:HI:STEP in keV (equal bins).", valueName: "LO:HI:STEP"))
    var grid = "0.1:10:0.1"

    @Option(help: "Abundance table (angr, aspl, wilm, …): selects tbabs/phabs cross sections and apec abundances.")
    var abund = "angr"

    @Option(name: .customLong("atomdb"), help: ArgumentHelp("Directory of the full AtomDB tables (default: $ATOMDB, else the embedded tables).", valueName: "DIR"))
    var atomDB: String?

    @Option(name: .customLong("low-energy-absorption"),
            help: "Absorption below 0.1 keV, where the cross-section tables end: reject (error) or hold (keep the 0.1 keV cross section).")
    var lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject

    @Flag(name: .customLong("thermal-broadening"),
          help: "Broaden the lines of apec, vapec, nei and vnei thermally (XSPEC's xset APECTHERMAL yes; bapec/bvapec always do).")
    var thermalBroadening = false

    @Flag(help: "Print comma-separated values with a header line.")
    var csv = false

    @Flag(help: "Print one JSON object with the expression, the parameters and the arrays.")
    var json = false

    func validate() throws {
        if csv && json { throw ValidationError("--csv and --json are exclusive") }
    }

    func run() throws {
        let energyGrid = try Self.parseGrid(grid)
        let context = ModelContext(abundanceTable: abund,
                                   atomDBDirectory: atomDB ?? ProcessInfo.processInfo.environment["ATOMDB"],
                                   lowEnergyAbsorption: lowEnergyAbsorption,
                                   thermalBroadening: thermalBroadening)
        var model: Model
        do {
            model = try Model(expression, context: context)
        } catch {
            // Show the caret under the offending column.
            FileHandle.standardError.write(Data("perseus: error: \(error.description.replacingOccurrences(of: "\n", with: "\n       "))\n".utf8))
            throw ExitCode(1)
        }
        for assignment in assignments { try model.apply(assignment) }
        let values = try model.compiled(for: energyGrid).evaluate(model.values)
        let quantity = model.kind == .additive ? "photon flux [photons cm^-2 s^-1 per bin]" : "factor (dimensionless, per bin)"

        if json {
            let parameters: [[String: Any]] = model.parameters.map { p in
                var entry: [String: Any] = ["name": p.name, "value": p.value, "unit": p.unit, "frozen": p.isFrozen, "free": p.isFree]
                if let link = p.link { entry["link"] = link.description }
                return entry
            }
            try CommandLineOutput.printJSON([
                "expression": expression,
                "canonical": model.expression.description,
                "kind": model.kind.rawValue,
                "quantity": quantity,
                "abundance_table": context.abundanceTable,
                "parameters": parameters,
                "e_lo": energyGrid.lo,
                "e_hi": energyGrid.hi,
                "value": values,
            ] as [String: Any])
            return
        }
        if csv {
            var text = "e_lo,e_hi,value\n"
            for i in 0..<energyGrid.count { text += "\(energyGrid.lo[i]),\(energyGrid.hi[i]),\(values[i])\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        var text = "# model \(model.expression) (\(model.kind.rawValue)): \(quantity); abundances \(context.abundanceTable)\n"
        for p in model.parameters {
            let state = p.link.map { "= \($0)" } ?? (p.isFrozen ? "frozen" : "free")
            let unit = p.unit.isEmpty ? "" : " \(p.unit)"
            text += "#   \(p.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(format: "%-12g", p.value))\(unit)  (\(state))\n"
        }
        text += "        e_lo         e_hi            value\n"
        for i in 0..<energyGrid.count {
            text += String(format: "%12.6g %12.6g %16.8g\n", energyGrid.lo[i], energyGrid.hi[i], values[i])
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Parses LO:HI:STEP into a linear grid.
    static func parseGrid(_ text: String) throws -> EnergyGrid {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let lo = parts[0], let hi = parts[1], let step = parts[2] else {
            throw ValidationError("--grid '\(text)' is not LO:HI:STEP with numbers in keV, e.g. 0.5:10:0.01")
        }
        return try EnergyGrid.linear(from: lo, to: hi, step: step)
    }
}
