/// One parameter of a ``Model``: its definition, current value, whether it is frozen, the soft
/// bounds a fitter may use, and an optional link to another parameter.
public struct ModelParameter: Sendable, Equatable {
    /// Label of the component instance it belongs to (`apec`, or `apec_2` when apec repeats).
    public let component: String
    /// XSPEC's definition: name, unit, default, hard and default soft limits.
    public let info: ParameterInfo
    /// Current value (for a linked parameter, the value its link gives).
    public internal(set) var value: Double
    /// Whether a fitter must leave it alone.
    public internal(set) var isFrozen: Bool
    /// Fitting range, inside the hard limits.
    public internal(set) var softMin: Double
    public internal(set) var softMax: Double
    /// If set, the value is `scale · source + offset` and the parameter is not free.
    public internal(set) var link: ParameterLink?

    /// Qualified name, e.g. `apec_2.Abundanc`.
    public var name: String { "\(component).\(info.name)" }
    /// Whether a fitter varies it: neither frozen nor linked.
    public var isFree: Bool { !isFrozen && link == nil }
    public var unit: String { info.unit }
    public var hardMin: Double { info.hardMin }
    public var hardMax: Double { info.hardMax }

    init(component: String, info: ParameterInfo) {
        self.component = component
        self.info = info
        self.value = info.defaultValue
        self.isFrozen = info.frozenByDefault
        self.softMin = info.softMin
        self.softMax = info.softMax
        self.link = nil
    }
}

/// A linear link `target = scale · source + offset` (XSPEC's `newpar n = p` and its arithmetic
/// forms such as `2*p` or `p + 0.5`).
public struct ParameterLink: Sendable, Equatable, CustomStringConvertible {
    /// Index of the source parameter in ``Model/parameters``.
    public let source: Int
    /// Qualified name of the source parameter.
    public let sourceName: String
    public let scale: Double
    public let offset: Double

    /// E.g. `apec_1.Abundanc`, `2*apec_1.kT`, `apec_1.kT + 0.5`.
    public var description: String {
        var text = scale == 1 ? sourceName : "\(formatted(scale))*\(sourceName)"
        if offset > 0 { text += " + \(formatted(offset))" }
        if offset < 0 { text += " - \(formatted(-offset))" }
        return text
    }

    private func formatted(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
