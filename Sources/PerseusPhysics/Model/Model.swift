import Foundation
import PerseusCore

/// A model expression bound to components, with a flat list of parameters.
///
/// ```swift
/// var model = try Model("tbabs*(apec + apec)")
/// try model.set("tbabs.nH", to: 0.0858)
/// try model.set("apec_1.kT", to: 4)
/// try model.link("apec_2.Abundanc", to: "apec_1.Abundanc")
/// let compiled = try model.compiled(for: grid)
/// let spectrum = try compiled.evaluate(model.values)
/// ```
///
/// **Semantics (XSPEC's).** An additive component is a photon spectrum, a multiplicative one a
/// factor; products multiply factors into at most one additive factor, sums add additive terms.
/// An additive expression evaluates to photons cm⁻² s⁻¹ per bin; an expression of
/// multiplicative components only evaluates to the factor itself.
///
/// **Parameters** are listed component by component in order of appearance, each in XSPEC's
/// order, and named `label.Name` where the label is the component name, or `name_k` (1-based,
/// in order of appearance) when the component occurs more than once. Addresses are
/// case-insensitive and accept unique prefixes for both parts (`apec_2.abund` →
/// `apec_2.Abundanc`, `tb.nh` → `tbabs.nH`); an address without a component (`nH`) is accepted
/// when the name is unique in the model. Values must lie within the hard limits; soft bounds
/// (the fitting range) can be narrowed within them. A parameter can be linked to a linear
/// function of another (`apec_2.kT = 2*apec_1.kT`); linked parameters are not free. Every
/// mutating method either succeeds or throws and leaves the model unchanged.
public struct Model: Sendable {
    /// One occurrence of a component in the expression.
    public struct Instance: Sendable {
        /// `apec`, or `apec_2` when the component repeats.
        public let label: String
        /// The component's registered name.
        public let name: String
        /// 1-based occurrence among components of the same name.
        public let occurrence: Int
        /// Column of the name in the expression.
        public let column: Int
        public let component: any SpectralComponent
        /// This instance's slice of ``Model/parameters``.
        public let parameterRange: Range<Int>
    }

    /// Evaluation plan over instance indices.
    indirect enum Plan: Sendable {
        case instance(Int)
        case sum([Plan])
        case product([Plan])
    }

    public let expression: ModelExpression
    public let context: ModelContext
    /// Additive if the expression is a photon spectrum, multiplicative if it is a pure factor.
    public let kind: ComponentKind
    public let instances: [Instance]
    public private(set) var parameters: [ModelParameter]
    let plan: Plan

    /// Parses and binds `text`.
    /// - Throws: ``ModelExpressionError`` (syntax, unknown or ambiguous component, additive ×
    ///   additive, multiplicative term in a sum, component factory failure), with the column.
    public init(_ text: String, context: ModelContext = ModelContext()) throws(ModelExpressionError) {
        try self.init(try ModelExpression(text), context: context)
    }

    /// Binds a parsed expression to the components of `context.registry`.
    public init(_ expression: ModelExpression, context: ModelContext = ModelContext()) throws(ModelExpressionError) {
        self.expression = expression
        self.context = context
        let registry = context.registry
        let text = expression.text

        // 1. Resolve every name.
        var entries: [ComponentRegistry.Entry] = []
        for (written, column) in expression.root.components {
            switch registry.resolve(written) {
            case let .found(entry): entries.append(entry)
            case .unknown:
                throw ModelExpressionError(expression: text, column: column,
                                           reason: .unknownComponent(name: written, valid: registry.names))
            case let .ambiguous(candidates):
                throw ModelExpressionError(expression: text, column: column,
                                           reason: .ambiguousComponent(name: written, candidates: candidates))
            }
        }

        // 2. Check XSPEC's product and sum rules, building the plan.
        var leaf = 0
        func bind(_ node: ExpressionNode) throws(ModelExpressionError) -> (Plan, ComponentKind) {
            switch node {
            case .component:
                defer { leaf += 1 }
                return (.instance(leaf), entries[leaf].kind)
            case let .product(factors, _):
                var plans: [Plan] = []
                var additive: ExpressionNode?
                for factor in factors {
                    let (plan, kind) = try bind(factor)
                    if kind == .additive {
                        if let first = additive {
                            throw ModelExpressionError(expression: text, column: factor.startColumn,
                                                       reason: .additiveProduct(first: first.canonical(parentIsProduct: true),
                                                                                firstColumn: first.startColumn,
                                                                                second: factor.canonical(parentIsProduct: true)))
                        }
                        additive = factor
                    }
                    plans.append(plan)
                }
                return (.product(plans), additive == nil ? .multiplicative : .additive)
            case let .sum(terms, _):
                var plans: [Plan] = []
                for term in terms {
                    let (plan, kind) = try bind(term)
                    if kind == .multiplicative {
                        throw ModelExpressionError(expression: text, column: term.startColumn,
                                                   reason: .multiplicativeInSum(term: term.canonical(parentIsProduct: false)))
                    }
                    plans.append(plan)
                }
                return (.sum(plans), .additive)
            }
        }
        let (plan, kind) = try bind(expression.root)
        self.plan = plan
        self.kind = kind

        // 3. Build each distinct component once.
        var built: [String: any SpectralComponent] = [:]
        let leaves = expression.root.components
        for (index, entry) in entries.enumerated() where built[entry.name] == nil {
            let column = leaves[index].column
            let component: any SpectralComponent
            do {
                component = try entry.factory(context)
            } catch {
                throw ModelExpressionError(expression: text, column: column,
                                           reason: .componentUnavailable(name: entry.name, reason: "\(error)"))
            }
            guard component.kind == entry.kind else {
                throw ModelExpressionError(expression: text, column: column, reason: .componentUnavailable(
                    name: entry.name, reason: "registered as \(entry.kind.rawValue) but the factory built a \(component.kind.rawValue) component"))
            }
            built[entry.name] = component
        }

        // 4. Label instances and lay out their parameters.
        let totals = Dictionary(entries.map { ($0.name, 1) }, uniquingKeysWith: +)
        var seen: [String: Int] = [:]
        var instances: [Instance] = []
        var parameters: [ModelParameter] = []
        for (index, entry) in entries.enumerated() {
            let occurrence = (seen[entry.name] ?? 0) + 1
            seen[entry.name] = occurrence
            let label = totals[entry.name]! > 1 ? "\(entry.name)_\(occurrence)" : entry.name
            let component = built[entry.name]!
            let start = parameters.count
            parameters += component.parameters.map { ModelParameter(component: label, info: $0) }
            instances.append(Instance(label: label, name: entry.name, occurrence: occurrence, column: leaves[index].column,
                                      component: component, parameterRange: start..<parameters.count))
        }
        self.instances = instances
        self.parameters = parameters
    }

    // MARK: - Values

    /// All parameter values in ``parameters`` order (links applied): what ``CompiledModel``
    /// evaluates.
    public var values: [Double] { parameters.map(\.value) }

    /// Qualified names of all parameters.
    public var parameterNames: [String] { parameters.map(\.name) }

    /// Indices of the free parameters (neither frozen nor linked), in order.
    public var freeParameterIndices: [Int] { parameters.indices.filter { parameters[$0].isFree } }

    /// Qualified names of the free parameters.
    public var freeParameterNames: [String] { freeParameterIndices.map { parameters[$0].name } }

    /// Values of the free parameters.
    public var freeValues: [Double] { freeParameterIndices.map { parameters[$0].value } }

    /// Soft bounds (fitting ranges) of the free parameters.
    public var freeBounds: [ClosedRange<Double>] { freeParameterIndices.map { parameters[$0].softMin...parameters[$0].softMax } }

    /// Hard limits of the free parameters.
    public var freeHardLimits: [ClosedRange<Double>] { freeParameterIndices.map { parameters[$0].hardMin...parameters[$0].hardMax } }

    /// Sets the free parameters from a vector (e.g. an optimiser's), then re-applies links.
    /// - Throws: on a wrong count, or a value (or a linked value) outside its hard limits.
    public mutating func setFreeValues(_ newValues: [Double]) throws(ModelParameterError) {
        let free = freeParameterIndices
        guard newValues.count == free.count else { throw .freeValueCount(expected: free.count, got: newValues.count) }
        var copy = self
        for (index, value) in zip(free, newValues) {
            try copy.checkLimits(index, value)
            copy.parameters[index].value = value
        }
        try copy.applyLinks()
        self = copy
    }

    /// The parameter at `address`.
    public func parameter(_ address: String) throws(ModelParameterError) -> ModelParameter {
        parameters[try index(of: address)]
    }

    /// The value at `address`.
    public func value(_ address: String) throws(ModelParameterError) -> Double {
        parameters[try index(of: address)].value
    }

    // MARK: - Mutation

    /// Sets the value at `address`.
    /// - Throws: if the address does not resolve, the parameter is linked, or the value (or a
    ///   value linked to it) leaves the hard limits.
    public mutating func set(_ address: String, to value: Double) throws(ModelParameterError) {
        try set(index: try index(of: address), to: value)
    }

    /// Sets the value of parameter `index`.
    public mutating func set(index: Int, to value: Double) throws(ModelParameterError) {
        if let link = parameters[index].link { throw .linked(parameter: parameters[index].name, link: link.description) }
        try checkLimits(index, value)
        var copy = self
        copy.parameters[index].value = value
        try copy.applyLinks()
        self = copy
    }

    /// Freezes the parameter at `address` (a fitter will not vary it).
    public mutating func freeze(_ address: String) throws(ModelParameterError) {
        parameters[try index(of: address)].isFrozen = true
    }

    /// Thaws the parameter at `address`.
    public mutating func thaw(_ address: String) throws(ModelParameterError) {
        parameters[try index(of: address)].isFrozen = false
    }

    /// Narrows the fitting range of the parameter at `address` within its hard limits.
    public mutating func setSoftBounds(_ address: String, _ range: ClosedRange<Double>) throws(ModelParameterError) {
        let index = try index(of: address)
        let p = parameters[index]
        guard range.lowerBound.isFinite, range.upperBound.isFinite,
              range.lowerBound >= p.hardMin, range.upperBound <= p.hardMax else {
            throw .invalidBounds(parameter: p.name, min: range.lowerBound, max: range.upperBound, hardMin: p.hardMin, hardMax: p.hardMax)
        }
        parameters[index].softMin = range.lowerBound
        parameters[index].softMax = range.upperBound
    }

    /// Links the parameter at `address` to `expression`, a linear function of one parameter
    /// (`apec_1.Abundanc`, `2*apec_1.kT`, `apec_1.kT + 0.5`). A constant expression sets the
    /// value instead (and removes any link).
    public mutating func link(_ address: String, to expression: String) throws(ModelParameterError) {
        let target = try index(of: address)
        let snapshot = self
        let parsed = try LinkExpression.parse(expression) { (text: String) throws(ModelParameterError) -> Int in
            try snapshot.index(of: text)
        }
        guard let source = parsed.source, parsed.scale != 0 else {
            var copy = self
            copy.parameters[target].link = nil
            try copy.set(index: target, to: parsed.offset)
            self = copy
            return
        }
        try link(index: target, to: source, scale: parsed.scale, offset: parsed.offset)
    }

    /// Links parameter `index` to `scale · source + offset`.
    public mutating func link(index target: Int, to source: Int, scale: Double = 1, offset: Double = 0) throws(ModelParameterError) {
        // Follow the source's chain: reaching the target would close a cycle.
        var chain = [parameters[target].name]
        var cursor: Int? = source
        while let current = cursor {
            chain.append(parameters[current].name)
            if current == target { throw .linkCycle(parameter: parameters[target].name, through: chain) }
            cursor = parameters[current].link?.source
        }
        var copy = self
        copy.parameters[target].link = ParameterLink(source: source, sourceName: parameters[source].name, scale: scale, offset: offset)
        try copy.applyLinks()
        self = copy
    }

    /// Removes the link of the parameter at `address`; it keeps its current value.
    public mutating func unlink(_ address: String) throws(ModelParameterError) {
        parameters[try index(of: address)].link = nil
    }

    /// Applies an assignment `ADDRESS=VALUE` or `ADDRESS=LINK` (as on the command line:
    /// `apec.kT=4`, `apec_2.Abundanc=apec_1.Abundanc`, `apec_2.kT = 2*apec_1.kT`).
    public mutating func apply(_ assignment: String) throws(ModelParameterError) {
        guard let equals = assignment.firstIndex(of: "=") else { throw .malformedAddress(assignment) }
        let address = assignment[..<equals].trimmingCharacters(in: .whitespaces)
        let right = String(assignment[assignment.index(after: equals)...])
        guard !address.isEmpty, !right.trimmingCharacters(in: .whitespaces).isEmpty else { throw .malformedAddress(assignment) }
        try link(address, to: right)
    }

    // MARK: - Addressing

    /// Resolves an address such as `apec_2.Abundanc`, `APEC_2.abund`, `tb.nh` or `nH`.
    public func index(of address: String) throws(ModelParameterError) -> Int {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .malformedAddress(address) }
        guard let dot = trimmed.firstIndex(of: ".") else {
            return try resolveParameter(String(trimmed), among: Array(parameters.indices), address: trimmed, qualified: true)
        }
        let componentPart = String(trimmed[..<dot])
        let parameterPart = String(trimmed[trimmed.index(after: dot)...])
        guard !componentPart.isEmpty, !parameterPart.isEmpty else { throw .malformedAddress(address) }
        let instance = try resolveInstance(componentPart, address: trimmed)
        return try resolveParameter(parameterPart, among: Array(instances[instance].parameterRange), address: trimmed, qualified: false)
    }

    private func resolveInstance(_ part: String, address: String) throws(ModelParameterError) -> Int {
        let key = part.lowercased()
        let labels = instances.map(\.label)
        // Exact label, or name_1 for a component that occurs once.
        if let exact = instances.firstIndex(where: { $0.label.lowercased() == key || "\($0.name)_\($0.occurrence)" == key }) {
            return exact
        }
        // prefix_k: a unique abbreviation of a component name plus an occurrence number.
        if let underscore = key.lastIndex(of: "_"), let occurrence = Int(key[key.index(after: underscore)...]) {
            let namePart = String(key[..<underscore])
            let names = Set(instances.map(\.name)).filter { $0.hasPrefix(namePart) }.sorted()
            if names.count == 1, let match = instances.firstIndex(where: { $0.name == names[0] && $0.occurrence == occurrence }) {
                return match
            }
            if names.count > 1 { throw .ambiguousComponent(address: address, candidates: names.map { "\($0)_\(occurrence)" }) }
        }
        let matches = instances.indices.filter { instances[$0].label.lowercased().hasPrefix(key) }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw .unknownComponent(address: address, valid: labels)
        default: throw .ambiguousComponent(address: address, candidates: matches.map { instances[$0].label })
        }
    }

    private func resolveParameter(_ part: String, among candidates: [Int], address: String,
                                  qualified: Bool) throws(ModelParameterError) -> Int {
        let key = part.lowercased()
        func label(_ i: Int) -> String { qualified ? parameters[i].name : parameters[i].info.name }
        let exact = candidates.filter { parameters[$0].info.name.lowercased() == key }
        if exact.count == 1 { return exact[0] }
        if exact.count > 1 { throw .ambiguousParameter(address: address, candidates: exact.map(label)) }
        let prefixed = candidates.filter { parameters[$0].info.name.lowercased().hasPrefix(key) }
        switch prefixed.count {
        case 1: return prefixed[0]
        case 0: throw .unknownParameter(address: address, valid: candidates.map(label))
        default: throw .ambiguousParameter(address: address, candidates: prefixed.map(label))
        }
    }

    // MARK: - Internals

    private func checkLimits(_ index: Int, _ value: Double) throws(ModelParameterError) {
        let p = parameters[index]
        guard value.isFinite, value >= p.hardMin, value <= p.hardMax else {
            throw .outOfLimits(parameter: p.name, value: value, min: p.hardMin, max: p.hardMax)
        }
    }

    /// Recomputes linked values in dependency order and checks their limits.
    private mutating func applyLinks() throws(ModelParameterError) {
        var resolved = parameters.map { $0.link == nil }
        var remaining = parameters.indices.filter { !resolved[$0] }
        while !remaining.isEmpty {
            var progressed = false
            for index in remaining {
                guard let link = parameters[index].link, resolved[link.source] else { continue }
                let value = link.scale * parameters[link.source].value + link.offset
                let p = parameters[index]
                guard value.isFinite, value >= p.hardMin, value <= p.hardMax else {
                    throw .outOfLimits(parameter: "\(p.name) (= \(link.description))", value: value, min: p.hardMin, max: p.hardMax)
                }
                parameters[index].value = value
                resolved[index] = true
                progressed = true
            }
            remaining.removeAll { resolved[$0] }
            // Cycles are refused when links are made, so progress is guaranteed.
            precondition(progressed || remaining.isEmpty, "parameter links form a cycle")
        }
    }
}
