import ArgumentParser
import Foundation
import Perseus

/// `perseus scenarios [--show NAME]`: the built-in scenarios, or one of them printed as the
/// YAML file it is, to copy and edit (docs/scenarios.md).
struct ScenariosCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the built-in scenarios, or print one to copy and edit.")

    @Option(help: "Print this built-in scenario's YAML file.")
    var show: String?
    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        if let show {
            guard let text = BuiltInScenarios.text(named: show) else {
                _ = try BuiltInScenarios.scenario(named: show)   // throws the error naming the valid scenarios
                return
            }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        var rows: [[String: Any]] = []
        for name in BuiltInScenarios.names {
            let scenario = try BuiltInScenarios.scenario(named: name)
            rows.append([
                "name": name, "description": scenario.description, "instrument": scenario.instrument,
                "samples": scenario.sampleCount,
                "classes": scenario.classes.map { ["name": $0.name, "label": $0.isAnomaly ? "anomaly" : "normal",
                                                   "count": $0.count, "model": $0.model] as [String: Any] },
            ])
        }
        if json {
            try CommandLineOutput.printJSON(["scenarios": rows])
            return
        }
        for row in rows {
            let classes = (row["classes"] as! [[String: Any]]).map { "\($0["name"]!) ×\($0["count"]!) (\($0["label"]!))" }
            print("\(row["name"]!)  [\(row["instrument"]!)]  \(row["description"]!)")
            print("    \(classes.joined(separator: ", "))")
        }
    }
}
