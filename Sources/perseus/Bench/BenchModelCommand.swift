import ArgumentParser
import Foundation
import Perseus

/// `perseus bench model`: cost of evaluating model expressions on prepared grids — tbabs on the
/// Hitomi SXS grid (1.8–9 keV at 1 eV, 7200 bins), the expression machinery on the NuSTAR grid
/// (3–166.84 keV at 0.04 keV, 4096 bins), and analytic components — against NumPy computing the
/// same tbabs factor (exp(−nH σ̄) on precomputed σ̄) in the same run.
struct BenchModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Model evaluation cost per call (tbabs, expression overhead, components) vs NumPy.")

    @Option(help: "Evaluations per timing.")
    var evaluations = 2000
    @Option(help: "Timings per case; the fastest is reported.")
    var repeats = 5
    @Option(help: "Model expressions to time besides the built-in cases (repeatable), on the NuSTAR grid.")
    var expression: [String] = []
    @Flag(help: "Print one JSON object.")
    var json = false

    struct Case {
        let name: String
        let expression: String
        let grid: EnergyGrid
        /// Parameter index varied between calls (defeats the evaluator's cache), or nil to time
        /// a fully cached evaluation (the expression's own overhead).
        let varied: Int?
    }

    func run() throws {
        guard evaluations > 0 else { throw ValidationError("--evaluations must be > 0") }
        let hitomi = try EnergyGrid.linear(from: 1.8, to: 9.0, step: 0.001)
        let nustar = try EnergyGrid.linear(from: 3.0, to: 166.84, step: 0.04)
        var cases = [
            Case(name: "tbabs, 7200 bins, nH varied", expression: "tbabs", grid: hitomi, varied: 0),
            Case(name: "tbabs, 7200 bins, cached", expression: "tbabs", grid: hitomi, varied: nil),
            Case(name: "tbabs*(powerlaw+powerlaw), 4096 bins, all cached (expression overhead)",
                 expression: "tbabs*(powerlaw+powerlaw)", grid: nustar, varied: nil),
            Case(name: "tbabs*(powerlaw+powerlaw), 4096 bins, nH varied",
                 expression: "tbabs*(powerlaw+powerlaw)", grid: nustar, varied: 0),
            Case(name: "powerlaw, 4096 bins, PhoIndex varied", expression: "powerlaw", grid: nustar, varied: 0),
            Case(name: "gaussian, 4096 bins, LineE varied", expression: "gaussian", grid: nustar, varied: 0),
            Case(name: "lorentz, 4096 bins, LineE varied", expression: "lorentz", grid: nustar, varied: 0),
            Case(name: "cutoffpl, 4096 bins, PhoIndex varied", expression: "cutoffpl", grid: nustar, varied: 0),
            Case(name: "bremss, 4096 bins, kT varied", expression: "bremss", grid: nustar, varied: 0),
        ]
        for text in expression {
            cases.append(Case(name: "\(text), 4096 bins, first parameter varied", expression: text, grid: nustar, varied: 0))
        }

        var rows: [[String: Any]] = []
        var checksum = 0.0
        for benchCase in cases {
            let model = try Model(benchCase.expression)
            let compiled = try model.compiled(for: benchCase.grid)
            var evaluator = compiled.makeEvaluator()
            var values = model.values
            if benchCase.expression.hasPrefix("tbabs") { values[0] = 0.138 }
            var output = [Double](repeating: 0, count: benchCase.grid.count)
            let base = values
            let seconds = try BenchSupport.best(of: repeats) {
                for k in 0..<evaluations {
                    if let varied = benchCase.varied {
                        values[varied] = base[varied] * (1 + 1e-6 * Double(k % 64))
                    }
                    try evaluator.evaluate(values, into: &output)
                    checksum += output[k % output.count]
                }
            }
            rows.append(["case": benchCase.name, "bins": benchCase.grid.count,
                         "microseconds_per_evaluation": seconds / Double(evaluations) * 1e6])
        }

        let table = AbsorptionTables.table(model: "tbabs", abundanceTable: "angr")!
        let meanSigma = (0..<hitomi.count).map { 0.5 * (table.crossSection(at: hitomi.lo[$0]) + table.crossSection(at: hitomi.hi[$0])) }
        let sigmaFile = FileManager.default.temporaryDirectory.appendingPathComponent("perseus-bench-sigma-\(ProcessInfo.processInfo.processIdentifier).json")
        try JSONSerialization.data(withJSONObject: meanSigma).write(to: sigmaFile)
        defer { try? FileManager.default.removeItem(at: sigmaFile) }
        let peer = BenchSupport.runPeer(script: "model_numpy.py",
                                        arguments: ["--sigma", sigmaFile.path, "--evaluations", "\(evaluations)", "--repeats", "\(repeats)"],
                                        environment: ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"])
        var result: [String: Any] = ["benchmark": "model", "threads": 1, "evaluations": evaluations, "cases": rows]
        switch peer {
        case let .measured(object):
            result["numpy_tbabs_7200_microseconds"] = object["microseconds_per_evaluation"] ?? Double.nan
            result["numpy_version"] = object["numpy_version"] ?? "?"
        case let .unavailable(reason):
            result["numpy_unavailable"] = reason
        }
        if json {
            try CommandLineOutput.printJSON(result)
        } else {
            print("Model evaluation, best of \(repeats) × \(evaluations) evaluations, 1 thread")
            for row in rows {
                print(String(format: "  %9.2f µs  ", row["microseconds_per_evaluation"] as! Double) + (row["case"] as! String))
            }
            switch peer {
            case let .measured(object):
                print(String(format: "  %9.2f µs  numpy exp(-nH*sigma) on the same 7200 bins (numpy %@)",
                             (object["microseconds_per_evaluation"] as? Double) ?? .nan, "\(object["numpy_version"] ?? "?")"))
            case let .unavailable(reason):
                print("  numpy peer unavailable: \(reason)")
            }
        }
        if checksum.isNaN { print(checksum) }   // keeps results observable to the optimiser
    }
}
