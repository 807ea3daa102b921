import Foundation
import PerseusCore
import Yams

/// Reads scenario files (YAML; format in docs/scenarios.md) into `Scenario` values, checking
/// every key and value that can be checked without building models — unknown keys, missing
/// ones, types, priors, counts, exposure, band — and reporting the line of each problem.
public enum ScenarioParser {
    /// Top-level keys a scenario may have.
    static let topLevelKeys: Set<String> = [
        "name", "description", "instrument", "rmf", "arf", "exposure", "band", "abundance",
        "background", "region", "store_expected", "seed", "classes",
    ]
    static let classKeys: Set<String> = ["name", "label", "count", "model", "parameters"]

    /// Reads the scenario file at `path`.
    public static func read(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ScenarioError(origin: path, line: nil, key: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, origin: path)
    }

    /// Parses scenario `text`; `origin` names it in errors.
    public static func parse(_ text: String, origin: String) throws(ScenarioError) -> Scenario {
        let reader = Reader(origin: origin)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw reader.error(nil, nil, "the file is empty") }
            root = node
        } catch let error as ScenarioError {
            throw error
        } catch let error as YamlError {
            throw reader.yamlError(error)
        } catch {
            throw reader.error(nil, nil, "not valid YAML: \(error)")
        }
        return try reader.scenario(root, text: text)
    }

    /// Walks the YAML tree, remembering where each value came from.
    struct Reader {
        let origin: String

        func error(_ node: Node?, _ key: String?, _ message: String) -> ScenarioError {
            ScenarioError(origin: origin, line: node?.mark?.line, key: key, message: message)
        }

        func yamlError(_ error: YamlError) -> ScenarioError {
            switch error {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                return ScenarioError(origin: origin, line: mark.line, key: nil, message: "not valid YAML: \(problem)")
            default:
                return ScenarioError(origin: origin, line: nil, key: nil, message: "not valid YAML: \(error)")
            }
        }

        func mapping(_ node: Node, _ key: String, allowed: Set<String>) throws(ScenarioError) -> [(String, Node, Node)] {
            guard let mapping = node.mapping else { throw error(node, key, "expected a mapping of keys to values") }
            var seen: Set<String> = []
            var pairs: [(String, Node, Node)] = []
            for (k, v) in mapping {
                guard let name = k.scalar?.string else { throw error(k, key, "keys must be plain text") }
                let lower = name.lowercased()
                guard seen.insert(lower).inserted else { throw error(k, join(key, name), "given more than once") }
                if !allowed.isEmpty && !allowed.contains(lower) {
                    throw error(k, join(key, name), "unknown key; valid: \(allowed.sorted().joined(separator: ", "))")
                }
                pairs.append((lower, k, v))
            }
            return pairs
        }

        func join(_ parent: String?, _ child: String) -> String {
            guard let parent, !parent.isEmpty else { return child }
            return "\(parent).\(child)"
        }

        func string(_ node: Node, _ key: String) throws(ScenarioError) -> String {
            guard let s = node.scalar?.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw error(node, key, "expected text")
            }
            return s.trimmingCharacters(in: .whitespaces)
        }

        func number(_ node: Node, _ key: String) throws(ScenarioError) -> Double {
            let text = try string(node, key)
            guard let value = Double(text), value.isFinite else { throw error(node, key, "'\(text)' is not a number") }
            return value
        }

        func integer(_ node: Node, _ key: String) throws(ScenarioError) -> Int {
            let value = try number(node, key)
            guard value == value.rounded(), abs(value) < 1e15 else { throw error(node, key, "expected a whole number, got \(value)") }
            return Int(value)
        }

        func boolean(_ node: Node, _ key: String) throws(ScenarioError) -> Bool {
            switch try string(node, key).lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(node, key, "expected true or false")
            }
        }

        func scenario(_ root: Node, text: String) throws(ScenarioError) -> Scenario {
            let pairs = try mapping(root, "", allowed: ScenarioParser.topLevelKeys)
            var values: [String: (Node, Node)] = [:]
            for (name, k, v) in pairs { values[name] = (k, v) }
            func required(_ name: String) throws(ScenarioError) -> Node {
                guard let v = values[name]?.1 else { throw error(nil, name, "missing; every scenario needs '\(name)'") }
                return v
            }
            let name = try string(try required("name"), "name")
            let instrument = try string(try required("instrument"), "instrument")
            var exposure: Double?
            if let (_, node) = values["exposure"] {
                let value = try number(node, "exposure")
                guard value > 0 else { throw error(node, "exposure", "must be > 0 s, got \(value)") }
                exposure = value
            }
            var band: ClosedRange<Double>?
            if let (_, node) = values["band"] {
                guard let sequence = node.sequence, sequence.count == 2 else {
                    throw error(node, "band", "expected [LOW, HIGH] in keV")
                }
                let lo = try number(sequence[0], "band"), hi = try number(sequence[1], "band")
                guard lo >= 0, hi > lo else { throw error(node, "band", "expected 0 ≤ LOW < HIGH keV, got [\(lo), \(hi)]") }
                band = lo...hi
            }
            var override: ResponseOverride?
            if values["rmf"] != nil || values["arf"] != nil {
                override = ResponseOverride(rmf: try values["rmf"].map { (_, n) throws(ScenarioError) in try string(n, "rmf") },
                                            arf: try values["arf"].map { (_, n) throws(ScenarioError) in try string(n, "arf") })
            }
            var background = BackgroundSelection.none
            if let (_, node) = values["background"] {
                if let sequence = node.sequence {
                    var names: [String] = []
                    for item in sequence { names.append(try string(item, "background")) }
                    background = names.isEmpty ? .none : .components(names)
                } else {
                    background = try boolean(node, "background") ? .all : .none
                }
            }
            var region: BackgroundRegion?
            if let (_, node) = values["region"] {
                let entries = try mapping(node, "region", allowed: ["radius", "area"])
                guard entries.count == 1 else { throw error(node, "region", "give either radius (arcmin) or area (arcmin²)") }
                let (kind, _, valueNode) = entries[0]
                let value = try number(valueNode, "region.\(kind)")
                guard value > 0 else { throw error(valueNode, "region.\(kind)", "must be > 0, got \(value)") }
                region = kind == "radius" ? .circle(radiusArcmin: value) : .area(squareArcmin: value)
            }
            var seed: UInt64?
            if let (_, node) = values["seed"] {
                let value = try integer(node, "seed")
                guard value >= 0 else { throw error(node, "seed", "must be ≥ 0") }
                seed = UInt64(value)
            }
            let classesNode = try required("classes")
            guard let sequence = classesNode.sequence, !sequence.isEmpty else {
                throw error(classesNode, "classes", "expected a list of one or more classes")
            }
            var classes: [ScenarioClass] = []
            for (i, node) in sequence.enumerated() {
                let parsed = try scenarioClass(node, key: "classes[\(i + 1)]")
                if classes.contains(where: { $0.name.lowercased() == parsed.name.lowercased() }) {
                    throw error(node, "classes[\(i + 1)].name", "class name '\(parsed.name)' is used twice")
                }
                classes.append(parsed)
            }
            var scenario = Scenario(
                name: name,
                description: try values["description"].map { (_, n) throws(ScenarioError) in try string(n, "description") } ?? "",
                instrument: instrument, responseOverride: override, exposure: exposure, band: band,
                abundanceTable: try values["abundance"].map { (_, n) throws(ScenarioError) in try string(n, "abundance").lowercased() } ?? "angr",
                background: background, region: region,
                storeExpected: try values["store_expected"].map { (_, n) throws(ScenarioError) in try boolean(n, "store_expected") } ?? false,
                seed: seed, classes: classes, sourceText: text, origin: origin)
            for (key, (keyNode, _)) in values { scenario.keyLines[key] = keyNode.mark?.line }
            return scenario
        }

        func scenarioClass(_ node: Node, key: String) throws(ScenarioError) -> ScenarioClass {
            let pairs = try mapping(node, key, allowed: ScenarioParser.classKeys)
            var values: [String: Node] = [:]
            for (name, _, v) in pairs { values[name] = v }
            func required(_ name: String) throws(ScenarioError) -> Node {
                guard let v = values[name] else { throw error(node, "\(key).\(name)", "missing; every class needs '\(name)'") }
                return v
            }
            let name = try string(try required("name"), "\(key).name")
            let labelNode = try required("label")
            let isAnomaly: Bool
            switch try string(labelNode, "\(key).label").lowercased() {
            case "normal": isAnomaly = false
            case "anomaly", "anomalous": isAnomaly = true
            case let other: throw error(labelNode, "\(key).label", "'\(other)' is not a label; expected normal or anomaly")
            }
            let countNode = try required("count")
            let count = try integer(countNode, "\(key).count")
            guard count >= 0 else { throw error(countNode, "\(key).count", "must be ≥ 0, got \(count)") }
            let modelNode = try required("model")
            let model = try string(modelNode, "\(key).model")
            var parameters: [ScenarioParameter] = []
            if let parametersNode = values["parameters"] {
                for (_, k, v) in try mapping(parametersNode, "\(key).parameters", allowed: []) {
                    let address = try string(k, "\(key).parameters")
                    let entryKey = "\(key).parameters.\(address)"
                    let text = try string(v, entryKey)
                    let prior: Prior
                    do { prior = try PriorSyntax.parse(text) } catch { throw self.error(v, entryKey, error.description) }
                    do { try prior.validate() } catch { throw self.error(v, entryKey, error.description) }
                    parameters.append(ScenarioParameter(address: address, prior: prior,
                                                        location: SourceLocation(line: k.mark?.line ?? 0, column: k.mark?.column ?? 0)))
                }
            }
            return ScenarioClass(name: name, isAnomaly: isAnomaly, count: count, model: model,
                                 modelLocation: SourceLocation(line: modelNode.mark?.line ?? 0, column: modelNode.mark?.column ?? 0),
                                 parameters: parameters,
                                 location: SourceLocation(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0))
        }
    }
}
