import ArgumentParser
import Foundation
import Perseus

/// The model options of `perseus fit`: parameter values, frozen and thawed parameters, links,
/// and the model context (abundances, AtomDB, absorption below 0.1 keV).
struct FitModelOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a parameter's starting value (or link it): NAME=VALUE or NAME=LINK (repeatable).",
                                                         valueName: "NAME=VALUE"))
    var assignments: [String] = []

    @Option(name: .customLong("freeze"), help: ArgumentHelp("Freeze a parameter at its value (repeatable).", valueName: "NAME"))
    var frozen: [String] = []

    @Option(name: .customLong("thaw"), help: ArgumentHelp("Free a parameter that is frozen by default, e.g. apec.Abundanc (repeatable).",
                                                          valueName: "NAME"))
    var thawed: [String] = []

    @Option(name: .customLong("link"), help: ArgumentHelp("Link a parameter to another: \"apec_2.Abundanc=apec_1.Abundanc\", \"apec_2.kT=2*apec_1.kT\" (repeatable).",
                                                          valueName: "NAME=EXPR"))
    var links: [String] = []

    @Option(help: "Abundance table (angr, aspl, wilm, …): tbabs/phabs cross sections and apec abundances.")
    var abund = "angr"

    @Option(name: .customLong("atomdb"), help: ArgumentHelp("Directory of the full AtomDB tables (default: $ATOMDB, else the embedded tables).",
                                                            valueName: "DIR"))
    var atomDB: String?

    @Option(name: .customLong("low-energy-absorption"),
            help: "Absorption below 0.1 keV, where the cross-section tables end: reject (error) or hold (keep the 0.1 keV cross section).")
    var lowEnergyAbsorption: LowEnergyAbsorptionRule = .reject

    @Flag(name: .customLong("thermal-broadening"),
          help: "Broaden the lines of apec, vapec, nei and vnei thermally (XSPEC's xset APECTHERMAL yes). Makes the statistic smooth in Redshift, which unbroadened lines (binned as delta functions) make a step function.")
    var thermalBroadening = false

    var context: ModelContext {
        ModelContext(abundanceTable: abund, atomDBDirectory: atomDB ?? ProcessInfo.processInfo.environment["ATOMDB"],
                     lowEnergyAbsorption: lowEnergyAbsorption, thermalBroadening: thermalBroadening)
    }

    /// The model of `expression` with the options applied in the order: values and links
    /// (--set, --link), then --thaw, then --freeze.
    func model(_ expression: String) throws -> Model {
        var model: Model
        do {
            model = try Model(expression, context: context)
        } catch {
            // The expression error has a caret line; keep it on one line for the CLI.
            throw FitCommandError.badExpression(expression: expression, reason: error.description)
        }
        for assignment in assignments { try model.apply(assignment) }
        for link in links {
            guard link.contains("=") else { throw FitCommandError.badOption(option: "--link", value: link, expected: "NAME=EXPR") }
            try model.apply(link)
        }
        for name in thawed { try model.thaw(name) }
        for name in frozen { try model.freeze(name) }
        return model
    }
}

/// Errors of `perseus fit` outside the fit itself.
enum FitCommandError: PerseusError {
    case badExpression(expression: String, reason: String)
    case badOption(option: String, value: String, expected: String)
    case noResponse(spectrum: String)
    case channelMismatch(spectrum: String, response: String, reason: String)
    case unsupportedDataset(path: String, reason: String)
    case truthColumn(name: String, available: [String])

    var description: String {
        switch self {
        case let .badExpression(expression, reason):
            let oneLine = reason.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            return "model \"\(expression)\": \(oneLine)"
        case let .badOption(option, value, expected):
            return "\(option) \(value): expected \(expected)"
        case let .noResponse(spectrum):
            return "\(spectrum): no response: its RESPFILE keyword is NONE or missing; give one with --rmf (and --arf)"
        case let .channelMismatch(spectrum, response, reason):
            return "\(spectrum) does not match the response \(response): \(reason)"
        case let .unsupportedDataset(path, reason):
            return "\(path): \(reason)"
        case let .truthColumn(name, available):
            return "--fix-to-truth: the dataset has no truth column \(name); its columns are \(available.joined(separator: ", "))"
        }
    }
}
