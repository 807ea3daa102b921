/// Maps component names (`powerlaw`, `tbabs`, `apec`, …) to factories that build the component
/// for a ``ModelContext``.
///
/// A value type: copy ``standard`` and register more components to extend it, then pass the
/// result in the context. Names are matched case-insensitively; a unique abbreviation of at
/// least two letters is accepted as XSPEC does (`po` for `powerlaw`), an exact name always wins.
///
/// ```swift
/// var registry = ComponentRegistry.standard
/// registry.register("apec", kind: .additive, summary: "AtomDB collisional plasma") { context in
///     try ApecComponent(context: context)
/// }
/// let model = try Model("tbabs*apec", context: ModelContext(registry: registry))
/// ```
public struct ComponentRegistry: Sendable {
    /// Builds a component for a context. It may throw (e.g. an abundance table the component has
    /// no data for); the error's description is shown to the user.
    public typealias Factory = @Sendable (ModelContext) throws -> any SpectralComponent

    /// One registered component.
    public struct Entry: Sendable {
        /// Lower-case XSPEC name.
        public let name: String
        /// Whether the component is additive or multiplicative; checked when the expression is
        /// bound, before the factory runs, and again against the built component.
        public let kind: ComponentKind
        /// One line describing the component, for help texts.
        public let summary: String
        let factory: Factory
    }

    /// How a written name resolves.
    public enum Resolution: Sendable {
        case found(Entry)
        case unknown
        case ambiguous([String])
    }

    private var entries: [String: Entry] = [:]

    /// An empty registry.
    public init() {}

    /// Registers `name` (stored lower case). A later registration of the same name replaces the
    /// earlier one.
    public mutating func register(_ name: String, kind: ComponentKind, summary: String = "",
                                  factory: @escaping Factory) {
        let key = name.lowercased()
        entries[key] = Entry(name: key, kind: kind, summary: summary, factory: factory)
    }

    /// Registers a component that needs nothing from the context: the factory returns `component`.
    public mutating func register(_ component: any SpectralComponent, summary: String = "") {
        register(component.name, kind: component.kind, summary: summary) { _ in component }
    }

    /// A copy with `name` registered.
    public func registering(_ name: String, kind: ComponentKind, summary: String = "",
                            factory: @escaping Factory) -> ComponentRegistry {
        var copy = self
        copy.register(name, kind: kind, summary: summary, factory: factory)
        return copy
    }

    /// Registered names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Registered entries, sorted by name.
    public var allEntries: [Entry] { names.compactMap { entries[$0] } }

    /// The entry registered under exactly `name` (case-insensitive).
    public func entry(named name: String) -> Entry? { entries[name.lowercased()] }

    /// Resolves a name as written: exact match first, else a unique prefix of at least two letters.
    public func resolve(_ written: String) -> Resolution {
        let key = written.lowercased()
        if let exact = entries[key] { return .found(exact) }
        guard key.count >= 2 else { return .unknown }
        let matches = names.filter { $0.hasPrefix(key) }
        switch matches.count {
        case 0: return .unknown
        case 1: return .found(entries[matches[0]]!)
        default: return .ambiguous(matches)
        }
    }
}
