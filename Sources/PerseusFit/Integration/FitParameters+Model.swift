import PerseusPhysics

extension FitParameters {
    /// The parameters of a PerseusPhysics ``Model``: names, current values, hard and soft limits,
    /// frozen flags and links, one to one and in the same order (so the full vector is
    /// ``Model/values`` order, what ``CompiledModel`` evaluates).
    /// The last parameter of each additive component (its `norm`, by the contract of
    /// `SpectralComponent`) is marked as a normalisation.
    /// - Throws: ``FitError`` if a free parameter's value lies outside its soft limits.
    public init(model: Model) throws(FitError) {
        var norms = Set<Int>()
        for instance in model.instances where instance.component.kind == .additive {
            if let last = instance.parameterRange.last { norms.insert(last) }
        }
        try self.init(model.parameters.enumerated().map { index, p in
            FitParameter(name: p.name, value: p.value, hardMin: p.hardMin, hardMax: p.hardMax, softMin: p.softMin, softMax: p.softMax,
                         isFrozen: p.isFrozen, link: p.link.map { FitParameter.Link(source: $0.source, scale: $0.scale, offset: $0.offset) },
                         isNormalisation: norms.contains(index))
        })
    }
}
