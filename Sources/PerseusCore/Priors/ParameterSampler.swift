/// Draws a set of named parameters from their priors, sample by sample, reproducibly.
///
/// Sample *i* draws from `RandomStream(seed:, purpose: .parameters, index: i, substream:)`:
/// the random priors in their declared order, then the linked and derived ones in dependency
/// order. Names are matched case-insensitively.
public struct ParameterSampler: Sendable {
    /// Parameter names in declared order, as given.
    public let names: [String]
    public let priors: [Prior]
    /// Evaluation order of the non-random priors (indices into `names`).
    let resolutionOrder: [Int]
    let indexByKey: [String: Int]

    /// - Throws: `PriorError` for an invalid prior, a duplicate name, a dependency on an unknown
    ///   parameter, or a cycle of links.
    public init(_ entries: [(name: String, prior: Prior)]) throws(PriorError) {
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() {
            let key = entry.name.lowercased()
            guard index[key] == nil else { throw .duplicate(entry.name) }
            index[key] = i
            try entry.prior.validate()
        }
        for entry in entries {
            for dependency in entry.prior.dependencies where index[dependency.lowercased()] == nil {
                throw .unknownDependency(parameter: entry.name, name: dependency, known: entries.map(\.name))
            }
        }
        // Depth-first topological order of the dependent priors, reporting the first cycle.
        var order: [Int] = []
        var state = [Int](repeating: 0, count: entries.count)   // 0 new, 1 visiting, 2 done
        func visit(_ i: Int, _ path: [Int]) throws(PriorError) {
            if state[i] == 2 { return }
            if state[i] == 1 {
                let start = path.firstIndex(of: i) ?? 0
                throw .cycle((path[start...] + [i]).map { entries[$0].name })
            }
            state[i] = 1
            for dependency in entries[i].prior.dependencies {
                try visit(index[dependency.lowercased()]!, path + [i])
            }
            state[i] = 2
            if !entries[i].prior.isRandom, !entries[i].prior.dependencies.isEmpty { order.append(i) }
        }
        for i in entries.indices { try visit(i, []) }
        names = entries.map(\.name)
        priors = entries.map(\.prior)
        resolutionOrder = order
        indexByKey = index
    }

    /// The index of a parameter by name (case-insensitive), or nil.
    public func index(of name: String) -> Int? { indexByKey[name.lowercased()] }

    /// The values of every parameter for sample `index`, in `names` order.
    public func draw(seed: UInt64, index: UInt64, substream: UInt64 = 0) -> [Double] {
        var stream = RandomStream(seed: seed, purpose: .parameters, index: index, substream: substream)
        var values = [Double](repeating: .nan, count: priors.count)
        for i in priors.indices {
            if let v = priors[i].draw(using: &stream) { values[i] = v }
        }
        for i in resolutionOrder {
            switch priors[i] {
            case let .linked(name): values[i] = values[indexByKey[name.lowercased()]!]
            case let .derived(expression):
                values[i] = expression.evaluate { (name: String) -> Double in values[indexByKey[name.lowercased()]!] }
            default: break
            }
        }
        return values
    }
}
