import PerseusCore

/// Why a scenario file cannot be used. Every case names the file and, where it has one, the
/// line and the key, so a user can go straight to the problem.
public struct ScenarioError: PerseusError, Equatable {
    /// The scenario file (or `built-in:NAME`).
    public let origin: String
    /// Line in the file (nil when the problem is not tied to a line).
    public let line: Int?
    /// The key involved, e.g. `classes[1].parameters.apec_2.kT`.
    public let key: String?
    public let message: String

    public init(origin: String, line: Int?, key: String?, message: String) {
        self.origin = origin
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var place = origin
        if let line { place += ":\(line)" }
        if let key { place += ": \(key)" }
        return "\(place): \(message)"
    }
}
