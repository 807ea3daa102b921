import Foundation
import Perseus

/// What `perseus fit` prints about one spectrum's fit: a summary in the manner of XSPEC's
/// (parameters with errors and intervals, the statistic and degrees of freedom), or one JSON
/// object.
struct FitReport {
    /// The inputs of the fit, in words.
    struct Setting {
        var response: String
        var ancillary: String?
        var background: String?
        var exposure: Double
        var band: String
        var grouping: String
        var abundanceTable: String
    }

    let spectrum: String
    let expression: String
    let model: Model
    let result: FitResult
    let intervals: [ConfidenceInterval]?
    let deltaStatistic: Double?
    let restarts: Int
    let setting: Setting
    let data: FitData

    var status: FitStatus { FitStatus(result) }

    func interval(of index: Int) -> ConfidenceInterval? { intervals?.first { $0.index == index } }

    /// `= 2*apec_1.kT`, or nil.
    func link(of index: Int) -> String? { model.parameters[index].link.map { "= \($0)" } }

    // MARK: Text

    func text() -> String {
        var lines: [String] = []
        func file(_ path: String?) -> String { path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "none" }
        lines.append("Spectrum    \(spectrum)  (exposure \(String(format: "%.4g", setting.exposure)) s)")
        lines.append("Response    \(file(setting.response))\(setting.ancillary.map { " + \(file($0))" } ?? " (no ARF)")")
        lines.append("Background  \(file(setting.background))")
        lines.append("Model       \(model.expression)  (abundances \(setting.abundanceTable))")
        lines.append("Data        band \(setting.band), \(setting.grouping): \(result.binCount) bins")
        lines.append("")
        let intervalHeader = deltaStatistic.map { String(format: "Interval (Δstat %.4g)", $0) } ?? ""
        lines.append("   #  " + pad("Parameter", 22) + pad("Unit", 10) + pad("Value", 14) + pad("Error (1σ)", 13) + intervalHeader)
        for (index, parameter) in result.parameters.all.enumerated() {
            let unit = model.parameters[index].unit
            var row = String(format: "%4d  ", index + 1) + pad(parameter.name, 22) + pad(unit, 10) + pad(String(format: "%.6g", parameter.value), 14)
            if let link = link(of: index) {
                row += link
            } else if parameter.isFrozen {
                row += "frozen"
            } else {
                row += pad(result.error(ofParameter: index).map { String(format: "%.3g", $0) } ?? "undefined", 13)
                if let interval = interval(of: index) {
                    row += String(format: "%.6g … %.6g", interval.lower, interval.upper)
                    if interval.xspecErrorString != "FFFFFFFFF" { row += "  (\(interval.xspecErrorString))" }
                }
            }
            lines.append(row)
        }
        lines.append("")
        var statisticLine = String(format: "Statistic   %@ = %.6g using %d bins, %d degrees of freedom", result.statisticName, result.statistic,
                                   result.binCount, result.degreesOfFreedom)
        if let reduced = result.reducedStatistic { statisticLine += String(format: " (reduced %.4g)", reduced) }
        lines.append(statisticLine)
        if let probability = result.nullHypothesisProbability {
            lines.append(String(format: "            null hypothesis probability %.4g", probability))
        }
        lines.append("Status      \(status.code) (\(result.method), \(result.iterations) iterations, \(result.modelEvaluations) model evaluations)")
        for warning in result.warnings { lines.append("Warning     \(warning)") }
        if restarts > 0 { lines.append("Note        the interval search found a lower minimum; the fit was redone from it (\(restarts)×)") }
        return lines.joined(separator: "\n") + "\n"
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    // MARK: JSON

    func json(includeCounts: Bool) -> [String: Any] {
        let parameters: [[String: Any]] = result.parameters.all.enumerated().map { index, parameter in
            var entry: [String: Any] = [
                "index": index + 1, "name": parameter.name, "unit": model.parameters[index].unit, "value": parameter.value,
                "free": parameter.isFree, "frozen": parameter.isFrozen,
                "error": result.error(ofParameter: index) ?? NSNull(),
                "linked": link(of: index) ?? NSNull(),
            ]
            if let interval = interval(of: index) {
                entry["interval"] = ["lower": interval.lower, "upper": interval.upper, "delta_statistic": interval.deltaStatistic,
                                     "flags": interval.xspecErrorString, "complete": interval.isComplete] as [String: Any]
            }
            return entry
        }
        var statistic: [String: Any] = ["name": result.statisticName, "value": result.statistic, "bins": result.binCount,
                                        "dof": result.degreesOfFreedom, "reduced": result.reducedStatistic ?? NSNull()]
        if let probability = result.nullHypothesisProbability { statistic["null_probability"] = probability }
        var object: [String: Any] = [
            "status": status.code, "status_number": status.number, "spectrum": spectrum, "expression": expression,
            "model": model.expression.description, "abundance_table": setting.abundanceTable,
            "response": setting.response, "ancillary": setting.ancillary ?? NSNull(), "background": setting.background ?? NSNull(),
            "exposure": setting.exposure, "band": setting.band, "grouping": setting.grouping,
            "statistic": statistic, "parameters": parameters, "method": result.method.rawValue,
            "iterations": result.iterations, "model_evaluations": result.modelEvaluations,
            "warnings": result.warnings.map(\.description),
        ]
        if let deltaStatistic { object["interval_delta_statistic"] = deltaStatistic; object["interval_restarts"] = restarts }
        if includeCounts {
            object["bins_detail"] = [
                "channels": data.channelMap.groups.map { [$0.lowerBound, $0.upperBound - 1] },
                "data": data.counts, "model": result.modelCounts,
                "description": "per fitted bin: 0-based response channel range (inclusive), observed counts, best-fit model counts",
            ] as [String: Any]
        }
        return object
    }

    /// The JSON object of a fit that failed.
    static func failureJSON(spectrum: String, expression: String, error: FitError) -> [String: Any] {
        ["status": error.code, "status_number": error.statusNumber, "spectrum": spectrum, "expression": expression,
         "error": error.description]
    }
}
