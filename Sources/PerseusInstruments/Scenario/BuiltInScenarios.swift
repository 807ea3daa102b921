import PerseusData

/// The scenarios shipped with Perseus (the files of `Scenarios/`, embedded in the binary),
/// runnable by name: `perseus simulate ichinohe2019`.
public enum BuiltInScenarios {
    /// Names of the built-in scenarios.
    public static var names: [String] {
        (0..<perseus_builtin_scenario_count()).map { String(cString: perseus_builtin_scenario_name($0)) }
    }

    /// The YAML text of the built-in scenario `name`, or nil.
    public static func text(named name: String) -> String? {
        guard let index = names.firstIndex(of: name.lowercased()) else { return nil }
        let blob = perseus_builtin_scenario(index)
        return String(decoding: UnsafeBufferPointer(start: blob.bytes, count: blob.size), as: UTF8.self)
    }

    /// The built-in scenario `name`, parsed.
    /// - Throws: `ScenarioError` if there is no such scenario (listing the valid names).
    public static func scenario(named name: String) throws(ScenarioError) -> Scenario {
        guard let text = text(named: name) else {
            throw ScenarioError(origin: name, line: nil, key: nil,
                                message: "no such built-in scenario and no such file; built-in: \(names.joined(separator: ", "))")
        }
        return try ScenarioParser.parse(text, origin: "built-in:\(name.lowercased())")
    }
}
