/// A checked list of ``FitParameter``s: values within limits, soft limits within hard ones,
/// links to existing parameters without cycles.
///
/// The full parameter vector (what a ``CountsModel`` evaluates) is built from the free values by
/// copying frozen values and applying links in dependency order.
public struct FitParameters: Sendable, Equatable {
    public private(set) var all: [FitParameter]
    /// Indices of the free parameters, in order.
    public private(set) var freeIndices: [Int]
    /// Linked parameters in an order where every source comes before its dependants.
    private(set) var linkOrder: [Int]

    /// - Throws: ``FitError/invalidParameter(name:reason:)`` or ``FitError/linkCycle(names:)``.
    public init(_ parameters: [FitParameter]) throws(FitError) {
        for p in parameters {
            guard !p.hardMin.isNaN, !p.hardMax.isNaN, p.hardMin <= p.hardMax else {
                throw .invalidParameter(name: p.name, reason: "hard limits [\(p.hardMin), \(p.hardMax)] are not an interval")
            }
            guard !p.softMin.isNaN, !p.softMax.isNaN, p.softMin >= p.hardMin, p.softMax <= p.hardMax, p.softMin <= p.softMax else {
                throw .invalidParameter(name: p.name,
                                        reason: "soft limits [\(p.softMin), \(p.softMax)] must lie within the hard limits [\(p.hardMin), \(p.hardMax)]")
            }
            if p.link == nil {
                guard p.value.isFinite, p.value >= p.hardMin, p.value <= p.hardMax else {
                    throw .invalidParameter(name: p.name, reason: "value \(p.value) is outside its hard limits [\(p.hardMin), \(p.hardMax)]")
                }
            }
            if p.isFree {
                guard p.softMin < p.softMax else {
                    throw .invalidParameter(name: p.name, reason: "a free parameter needs soft limits of positive width, got [\(p.softMin), \(p.softMax)]")
                }
                guard p.value >= p.softMin, p.value <= p.softMax else {
                    throw .invalidParameter(name: p.name,
                                            reason: "starting value \(p.value) is outside its fitting range (soft limits) [\(p.softMin), \(p.softMax)]")
                }
            }
            if let step = p.derivativeStep, !(step.isFinite && step > 0) {
                throw .invalidParameter(name: p.name, reason: "derivative step must be finite and > 0, got \(step)")
            }
            if let link = p.link {
                guard parameters.indices.contains(link.source) else {
                    throw .invalidParameter(name: p.name, reason: "linked to parameter index \(link.source), which does not exist")
                }
                guard link.scale.isFinite, link.offset.isFinite else {
                    throw .invalidParameter(name: p.name, reason: "link scale and offset must be finite")
                }
            }
        }
        // Dependency order (Kahn); anything left over is a cycle.
        var order: [Int] = []
        var resolved = parameters.map { $0.link == nil }
        var remaining = parameters.indices.filter { !resolved[$0] }
        while !remaining.isEmpty {
            let ready = remaining.filter { resolved[parameters[$0].link!.source] }
            guard !ready.isEmpty else {
                var cycle = [remaining[0]]
                var cursor = parameters[remaining[0]].link!.source
                while !cycle.contains(cursor) {
                    cycle.append(cursor)
                    cursor = parameters[cursor].link?.source ?? cursor
                }
                cycle.append(cursor)
                throw .linkCycle(names: cycle.map { parameters[$0].name })
            }
            for i in ready { resolved[i] = true; order.append(i) }
            remaining.removeAll { resolved[$0] }
        }
        all = parameters
        freeIndices = parameters.indices.filter { parameters[$0].isFree }
        linkOrder = order
        applyLinks()
    }

    /// Number of parameters (the length of the full vector).
    public var count: Int { all.count }
    /// Names of all parameters.
    public var names: [String] { all.map(\.name) }
    /// Values of all parameters.
    public var values: [Double] { all.map(\.value) }
    /// Values of the free parameters.
    public var freeValues: [Double] { freeIndices.map { all[$0].value } }
    /// Names of the free parameters.
    public var freeNames: [String] { freeIndices.map { all[$0].name } }

    /// The index of the parameter called `name` (exact match).
    public func index(of name: String) -> Int? { all.firstIndex { $0.name == name } }

    /// A copy with the free parameters set to `values` (in ``freeIndices`` order), links
    /// re-applied. Values are not checked against limits.
    public func settingFreeValues(_ values: [Double]) -> FitParameters {
        precondition(values.count == freeIndices.count, "expected \(freeIndices.count) free values")
        var copy = self
        for (i, v) in zip(freeIndices, values) { copy.all[i].value = v }
        copy.applyLinks()
        return copy
    }

    /// Writes the full vector for free values `x` into `full` (which must already hold the
    /// frozen values), applying links.
    func fill(free x: UnsafePointer<Double>, into full: UnsafeMutablePointer<Double>) {
        for (k, i) in freeIndices.enumerated() { full[i] = x[k] }
        for i in linkOrder {
            let link = all[i].link!
            full[i] = link.scale * full[link.source] + link.offset
        }
    }

    private mutating func applyLinks() {
        for i in linkOrder {
            let link = all[i].link!
            all[i].value = link.scale * all[link.source].value + link.offset
        }
    }

    /// A copy with parameter `index` frozen at `value` (used by profile-likelihood searches).
    func freezing(_ index: Int, at value: Double) -> FitParameters {
        var copy = self
        copy.all[index].value = value
        copy.all[index].isFrozen = true
        copy.freeIndices.removeAll { $0 == index }
        copy.applyLinks()
        return copy
    }
}
