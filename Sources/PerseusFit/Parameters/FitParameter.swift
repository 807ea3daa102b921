/// One model parameter as the fitter sees it, following XSPEC's conventions.
///
/// XSPEC gives every parameter hard limits (the model is undefined outside them) and soft limits
/// (the fitting range, inside the hard ones). The optimiser keeps free parameters within the
/// soft limits; confidence-interval searches may go out to the hard limits. A parameter is
/// *free* unless it is frozen or linked. Linked parameters follow `scale · source + offset`
/// (XSPEC's `newpar n = p`, `2*p`, `p + 0.5`), with the source given by its index in the
/// parameter list, so they mirror PerseusPhysics's `Model` parameters one to one.
public struct FitParameter: Sendable, Equatable {
    /// A linear link to another parameter of the same list.
    public struct Link: Sendable, Equatable {
        /// Index of the source parameter.
        public var source: Int
        public var scale: Double
        public var offset: Double

        public init(source: Int, scale: Double = 1, offset: Double = 0) {
            self.source = source
            self.scale = scale
            self.offset = offset
        }
    }

    /// Qualified name, e.g. `apec_2.kT`.
    public var name: String
    /// Current value (the starting value for a fit; for a linked parameter, recomputed).
    public var value: Double
    public var hardMin: Double
    public var hardMax: Double
    public var softMin: Double
    public var softMax: Double
    public var isFrozen: Bool
    public var link: Link?
    /// Absolute step for numerical derivatives (XSPEC's parameter "delta"); nil uses the
    /// fitter's default rule (see ``FitOptions/relativeDerivativeStep``).
    public var derivativeStep: Double?
    /// Whether this is the normalisation of an additive component: the model's photons from
    /// that component are proportional to it (XSPEC's `norm`). The fitter's initial
    /// renormalisation (``FitOptions/renormalisationThreshold``) scales these parameters together.
    public var isNormalisation: Bool

    /// - Parameters:
    ///   - softMin, softMax: default to the hard limits.
    public init(name: String, value: Double, hardMin: Double = -.infinity, hardMax: Double = .infinity,
                softMin: Double? = nil, softMax: Double? = nil, isFrozen: Bool = false, link: Link? = nil,
                derivativeStep: Double? = nil, isNormalisation: Bool = false) {
        self.name = name
        self.value = value
        self.hardMin = hardMin
        self.hardMax = hardMax
        self.softMin = softMin ?? hardMin
        self.softMax = softMax ?? hardMax
        self.isFrozen = isFrozen
        self.link = link
        self.derivativeStep = derivativeStep
        self.isNormalisation = isNormalisation
    }

    /// Whether the fitter varies it: neither frozen nor linked.
    public var isFree: Bool { !isFrozen && link == nil }
}
